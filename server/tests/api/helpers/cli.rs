//! The `portal` binary, run the way an operator runs it, on a test app's database.

use std::{
    io::Write as _,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use super::{TestApp, SECRET_KEY, WAIT};

/// What a command printed, and whether it succeeded.
pub struct CliOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    /// The value of the first `name: value` line of standard output.
    pub fn value(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}: ");
        self.stdout.lines().find_map(|line| line.strip_prefix(&prefix)).map(str::to_owned)
    }
}

/// Runs `portal ARGS` with `app`'s database and deployment key and nothing else of the test's
/// environment; fails the test if it takes longer than [`WAIT`].
pub async fn portal_cli(app: &TestApp, args: &[&str]) -> CliOutput {
    // Its working folder, for anything it would make beside itself (none expected).
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PORTAL_DATABASE_URL", &app.database_url)
        .env("PORTAL_SECRET_KEY", SECRET_KEY)
        .env("PORTAL_PUBLIC_URL", app.base())
        .env("PORTAL_CAPTCHA_KEY", super::CAPTCHA_KEY)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run the portal binary");
    drop(child.stdin.take().map(|mut input| input.write_all(b"")));
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > WAIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("portal {} did not finish within {WAIT:?}", args.join(" "));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let output = child.wait_with_output().unwrap();
    CliOutput {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
