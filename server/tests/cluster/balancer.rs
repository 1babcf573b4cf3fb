//! HAProxy in front of the nodes, configured as a deployment would be (docs/deploy.md):
//! round robin, health checks on `/readyz`, the client's address in `X-Forwarded-For`, and a
//! request that never reached a node retried on another one.

use std::{
    io::{Read as _, Write as _},
    os::unix::net::UnixStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{node::Node, WAIT};

pub struct Balancer {
    pub port: u16,
    socket: PathBuf,
    log: PathBuf,
    child: Child,
}

/// The configuration. What a production one would not have: the stats socket the test reads,
/// the `X-Served-By` header that tells the test which node answered, and a short check
/// interval (a deployment checks every 2 s or so).
///
/// Retries: `retries` with `option redispatch 1` sends a request whose connection was refused
/// (a killed node, before the checks notice) to another node. Only connection failures are
/// retried (HAProxy's default `retry-on conn-failure`): a request that reached a node is never
/// sent again, because a Change Password replayed after its answer was lost would run twice.
fn config(port: u16, socket: &Path, nodes: &[Node]) -> String {
    let servers: String =
        nodes.iter().map(|node| format!("    server {} 127.0.0.1:{} check\n", node.name, node.port)).collect();
    format!(
        "global
    maxconn 2000
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 2s
    retries 2
    option redispatch 1
    option forwardfor

frontend portal
    bind 127.0.0.1:{port}
    http-request set-header X-Request-Id %[uuid()] unless {{ req.hdr(x-request-id) -m found }}
    default_backend portal_nodes

backend portal_nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
    default-server inter 500ms fall 2 rise 2
{servers}",
        socket = socket.display()
    )
}

/// Fails the test, saying what to do, when `haproxy` is missing: it is not skipped.
pub fn require_haproxy() {
    let installed = Command::new("haproxy").arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(
        installed.is_ok_and(|s| s.success()),
        "haproxy is not installed: the cluster test needs Debian's haproxy package; run scripts/setup.sh --test"
    );
}

impl Balancer {
    /// Starts `haproxy` on `port` and waits (bounded) until it sees every node up.
    pub async fn start(port: u16, nodes: &[Node], dir: &Path) -> Self {
        let socket = dir.join("haproxy.sock");
        let cfg = dir.join("haproxy.cfg");
        std::fs::write(&cfg, config(port, &socket, nodes)).unwrap();
        let log = dir.join("haproxy.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new("haproxy")
            .arg("-f")
            .arg(&cfg)
            .arg("-db")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("cannot run haproxy");
        let mut balancer = Self { port, socket, log, child };
        for node in nodes {
            balancer.wait_for(&node.name, "UP").await;
        }
        balancer
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The state HAProxy gives `server` now: `UP`, `DOWN`, `UP 1/2` (failing, not yet
    /// down)… `None` while its stats socket does not answer.
    pub fn state_of(&self, server: &str) -> Option<String> {
        let mut stream = UnixStream::connect(&self.socket).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        stream.write_all(b"show stat\n").ok()?;
        let mut csv = String::new();
        stream.read_to_string(&mut csv).ok()?;
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next()?.trim_start_matches("# ").split(',').collect();
        let column = |name: &str| header.iter().position(|h| *h == name);
        let (proxy, name, status) = (column("pxname")?, column("svname")?, column("status")?);
        lines.map(|line| line.split(',').collect::<Vec<_>>()).find_map(|fields| {
            (fields.get(proxy) == Some(&"portal_nodes") && fields.get(name) == Some(&server))
                .then(|| fields.get(status).map(|s| s.to_string()))
                .flatten()
        })
    }

    /// Waits (bounded) until HAProxy gives `server` the state `wanted` exactly; returns how long.
    pub async fn wait_for(&mut self, server: &str, wanted: &str) -> Duration {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("haproxy exited ({status}):\n{}", self.log_tail());
            }
            if self.state_of(server).as_deref() == Some(wanted) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < WAIT,
                "gave up after {WAIT:?} waiting for haproxy to mark {server} {wanted} (it says {:?}):\n{}",
                self.state_of(server),
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn log_tail(&self) -> String {
        crate::log_tail(&self.log, 20)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- the last lines of haproxy's log ---\n{}", self.log_tail());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
