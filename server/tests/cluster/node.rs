//! One `portal serve` process: started with the cluster's environment on a port of its own,
//! killed with SIGKILL when asked (and when dropped), started again on the same port.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::WAIT;

pub struct Node {
    /// `node1`…: also the server's name in HAProxy, which says it in `X-Served-By`.
    pub name: String,
    pub port: u16,
    env: Vec<(String, String)>,
    dir: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl Node {
    /// Starts the process; [`Node::wait_ready`] waits until it serves.
    pub fn start(name: &str, port: u16, env: Vec<(String, String)>, dir: PathBuf) -> Self {
        let log = dir.join(format!("{name}.log"));
        let mut node = Self { name: name.to_owned(), port, env, dir, log, child: None };
        node.spawn();
        node
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `kill -9`: no signal handler runs, nothing is drained or released.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the process again, same port, same environment.
    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_portal"))
            .arg("serve")
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("PORTAL_LISTEN", format!("127.0.0.1:{}", self.port))
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.name));
        self.child = Some(child);
    }

    /// Waits (bounded) until `/readyz` answers 200; fails at once, with the log, if the
    /// process exits.
    pub async fn wait_ready(&mut self) -> Duration {
        let started = Instant::now();
        let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
        let url = format!("{}/readyz", self.base());
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!("{} exited ({status}) before it was ready:\n{}", self.name, self.log_tail(30));
            }
            if client.get(&url).send().await.is_ok_and(|r| r.status() == 200) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < WAIT,
                "gave up after {WAIT:?} waiting for {} to answer /readyz with 200:\n{}",
                self.name,
                self.log_tail(30)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The last `lines` lines the process wrote, for a failure's message.
    pub fn log_tail(&self, lines: usize) -> String {
        crate::log_tail(&self.log, lines)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- the last lines of {}'s log ---\n{}", self.name, self.log_tail(20));
        }
        self.kill9();
    }
}
