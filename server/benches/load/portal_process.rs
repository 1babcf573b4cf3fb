//! The portal in a process of its own, configured by environment variables only, and killed
//! when dropped (also when the benchmark panics).

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::Url;
use tempfile::TempDir;

use super::proc_info;

/// How long a freshly started portal may take to answer GET /login.
const READY_WITHIN: Duration = Duration::from_secs(60);
/// Enough to see why it stopped.
const LOG_TAIL_LINES: usize = 30;
const LOG_EXAMPLE_CHARS: usize = 400;
/// Per-client budgets raised so far that no run reaches them: every request comes from 127.0.0.1.
const UNREACHABLE: &str = "1000000000";

pub struct PortalProcess {
    child: Child,
    pid: String,
    pub base: Url,
    /// `/metrics` on the portal's metrics listener (`PORTAL_METRICS_LISTEN`).
    pub metrics: Url,
    log: PathBuf,
    /// Removed after the process is killed: its database, mail and log live here.
    _dir: TempDir,
}

impl PortalProcess {
    /// Starts `portal serve` on a free port with `database` and waits until it answers.
    pub async fn start(dir: TempDir, database: &Path, site_root: Option<&Path>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base: Url = format!("http://127.0.0.1:{port}").parse().unwrap();
        let metrics_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let metrics: Url = format!("http://127.0.0.1:{metrics_port}/metrics").parse().unwrap();
        let log = dir.path().join("portal.log");
        let output = File::create(&log).unwrap();
        let site_root = site_root.map_or_else(|| dir.path().join("no-site"), Path::to_path_buf);
        let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
        command.arg("serve").current_dir(dir.path());
        // The settings below and the production defaults, nothing from the caller's
        // environment or a portal.toml, so that two runs measure the same portal.
        for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("PORTAL_") || name == "RUST_LOG") {
            println!("not passed to the portal: {name} (the benchmark sets the portal's settings itself)");
            command.env_remove(name);
        }
        command
            .env("PORTAL_CONFIG", dir.path().join("no-portal.toml"))
            .env("PORTAL_LISTEN", format!("127.0.0.1:{port}"))
            .env("PORTAL_PUBLIC_URL", base.as_str().trim_end_matches('/'))
            .env("PORTAL_METRICS_LISTEN", format!("127.0.0.1:{metrics_port}"))
            .env("PORTAL_DATABASE_URL", format!("sqlite://{}", database.display()))
            .env("PORTAL_SMTP_URL", format!("file://{}", dir.path().join("mail").display()))
            .env("PORTAL_CAPTCHA", "off")
            .env("PORTAL_CAPTCHA_KEY", "load-bench-captcha-key-0123456789abcdef0123456789")
            .env("PORTAL_SECRET_KEY", "load-bench-deployment-key-0123456789abcdef01234567")
            .env("PORTAL_SITE_ROOT", site_root)
            .env("PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS", UNREACHABLE)
            .env("PORTAL_RESET_LIMIT_PER_ACCOUNT", UNREACHABLE)
            .env("PORTAL_RESET_LIMIT_PER_ADDRESS", UNREACHABLE)
            .env("PORTAL_RESET_LINK_CHECKS_PER_ADDRESS", UNREACHABLE)
            .env("PORTAL_CAPTCHA_PICTURES_PER_ADDRESS", UNREACHABLE)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output);
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", env!("CARGO_BIN_EXE_portal")));
        let portal = Self { pid: child.id().to_string(), child, base, metrics, log, _dir: dir };
        portal.wait_until_ready().await;
        portal
    }

    async fn wait_until_ready(&self) {
        let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(2)).build().unwrap();
        let started = Instant::now();
        loop {
            self.assert_alive();
            let answer = client.get(self.url("/login")).send().await;
            if answer.as_ref().is_ok_and(|response| response.status().is_success()) {
                return;
            }
            if started.elapsed() > READY_WITHIN {
                let answer = answer.map_or_else(|e| e.to_string(), |response| response.status().to_string());
                panic!(
                    "the portal did not answer GET /login within {} s (last: {answer}); its log:\n{}",
                    READY_WITHIN.as_secs(),
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> &str {
        &self.pid
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    /// Panics with the end of the portal's log if the process has ended.
    pub fn assert_alive(&self) {
        if !proc_info::is_running(&self.pid) {
            panic!("the portal (pid {}) has stopped; its log:\n{}", self.pid, self.log_tail());
        }
    }

    pub fn resident_mib(&self) -> Option<f64> {
        proc_info::resident_mib(&self.pid)
    }

    pub fn cpu_time(&self) -> Duration {
        proc_info::cpu_time(&self.pid)
    }

    fn log_text(&self) -> String {
        std::fs::read(&self.log).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
    }

    fn log_tail(&self) -> String {
        let text = self.log_text();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
    }

    /// How many lines of the log so far contain each of `needles`.
    pub fn count_in_log(&self, needles: &[&str]) -> Vec<usize> {
        let text = self.log_text();
        needles.iter().map(|needle| text.lines().filter(|line| line.contains(needle)).count()).collect()
    }

    /// How many warnings and errors the portal logged, with the first line of each kind.
    pub fn print_log_summary(&self) {
        let text = self.log_text();
        let mut examples: Vec<(String, String)> = Vec::new();
        let (mut warnings, mut errors) = (0, 0);
        for line in text.lines() {
            // After the timestamp: the level, the target, the message and its fields.
            let words: Vec<&str> = line.split_whitespace().skip(1).collect();
            match words.first() {
                Some(&"WARN") => warnings += 1,
                Some(&"ERROR") => errors += 1,
                _ => continue,
            }
            // A kind is what comes before the first field: repeats with other values count once.
            let kind = words.iter().take_while(|word| !word.contains('=')).copied().collect::<Vec<_>>().join(" ");
            if examples.len() < 5 && !examples.iter().any(|(seen, _)| *seen == kind) {
                examples.push((kind, words.join(" ").chars().take(LOG_EXAMPLE_CHARS).collect()));
            }
        }
        println!("portal log: {} lines, {warnings} warnings, {errors} errors", text.lines().count());
        for (_, line) in examples {
            println!("  first of its kind: {line}");
        }
    }
}

impl Drop for PortalProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
