//! A real SMTP server for the mail stories.

use app::backend::config::{MailTransport, SmtpSettings};

use super::WAIT;

/// A real SMTP server on 127.0.0.1 (Python's aiosmtpd; `scripts/setup.sh --test` installs it)
/// that writes every message it accepts, decoded, as a JSON file. Stopped when dropped.
pub struct SmtpServer {
    pub port: u16,
    inbox: std::path::PathBuf,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

/// A message as the SMTP server received it: the envelope, the headers and every leaf part.
#[derive(Debug, serde::Deserialize)]
pub struct ReceivedMail {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub content_type: String,
    pub parts: Vec<ReceivedPart>,
}

#[derive(Debug, serde::Deserialize)]
pub struct ReceivedPart {
    pub content_type: String,
    pub body: String,
}

impl ReceivedMail {
    /// The decoded body of the part of this type; panics when there is none.
    pub fn part(&self, content_type: &str) -> &str {
        self.parts
            .iter()
            .find(|p| p.content_type == content_type)
            .map(|p| p.body.as_str())
            .unwrap_or_else(|| panic!("no {content_type} part in {self:?}"))
    }
}

const SMTP_SINK_PY: &str = r#"
import asyncio, email, email.policy, json, os, sys, uuid
from aiosmtpd.smtp import SMTP

class Sink:
    def __init__(self, inbox, delay):
        self.inbox = inbox
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)  # a slow server, for a stop to come mid-send
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        header = lambda name: None if msg[name] is None else str(msg[name])
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": header("From"),
            "to": header("To"),
            "subject": header("Subject"),
            "message_id": header("Message-ID"),
            "content_type": msg.get_content_type(),
            "parts": [{"content_type": p.get_content_type(), "body": p.get_content()}
                      for p in msg.walk() if not p.is_multipart()],
        }
        path = os.path.join(self.inbox, uuid.uuid4().hex)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path + ".json")  # whole before the 250 reaches the client
        return "250 Message accepted for delivery"

async def main(host, port, inbox, delay):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Sink(inbox, float(delay)), hostname="localhost"), host, int(port))
    print("ready", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main(*sys.argv[1:]))
"#;

/// A port nothing listens on (at the moment of asking).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpServer {
    /// Starts a server on a free port, trying another when the port was taken meanwhile.
    pub async fn start() -> Self {
        Self::start_slow(std::time::Duration::ZERO).await
    }

    /// A server that takes `delay` over each message before accepting it.
    pub async fn start_slow(delay: std::time::Duration) -> Self {
        let mut last_error = String::new();
        for _ in 0..5 {
            match Self::start_taking(free_port(), delay).await {
                Ok(server) => return server,
                Err(e) => last_error = e,
            }
        }
        panic!("the test SMTP server did not start: {last_error}");
    }

    /// Starts a server on `port`; returns once it accepts connections.
    pub async fn start_on(port: u16) -> Result<Self, String> {
        Self::start_taking(port, std::time::Duration::ZERO).await
    }

    async fn start_taking(port: u16, delay: std::time::Duration) -> Result<Self, String> {
        use std::{io::BufRead as _, process::Stdio};

        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("smtp_sink.py");
        let inbox = dir.path().join("inbox");
        std::fs::write(&script, SMTP_SINK_PY).unwrap();
        std::fs::create_dir(&inbox).unwrap();
        let stderr_log = dir.path().join("stderr.log");
        let mut child = std::process::Command::new("python3")
            .arg(&script)
            .arg("127.0.0.1")
            .arg(port.to_string())
            .arg(&inbox)
            .arg(delay.as_secs_f64().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).unwrap())
            .spawn()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        // "ready" comes once the socket listens; end of file means the server exited.
        let stdout = child.stdout.take().unwrap();
        let read_line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout).read_line(&mut line).map(|_| line)
        });
        let ready = tokio::time::timeout(std::time::Duration::from_secs(30), read_line).await;
        if matches!(&ready, Ok(Ok(Ok(line))) if line.trim() == "ready") {
            return Ok(Self { port, inbox, child, _dir: dir });
        }
        let _ = child.kill();
        let _ = child.wait();
        let log = std::fs::read_to_string(&stderr_log).unwrap_or_default();
        Err(format!(
            "port {port}: {} (is aiosmtpd installed? scripts/setup.sh --test)",
            log.lines().last().unwrap_or("no output")
        ))
    }

    /// `smtp://127.0.0.1:PORT`: plain SMTP, which the portal allows to loopback only.
    pub fn url(&self) -> MailTransport {
        smtp_url(self.port)
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<ReceivedMail> {
        std::fs::read_dir(&self.inbox)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .map(|e| serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap())
            .collect()
    }

    /// Waits (bounded) until at least `count` messages have arrived, and returns them.
    pub async fn wait_for(&self, count: usize) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "gave up after {:?} waiting for {count} message(s) at the SMTP server: {} arrived",
                WAIT,
                received.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn smtp_url(port: u16) -> MailTransport {
    let url = format!("smtp://127.0.0.1:{port}").parse().unwrap();
    MailTransport::Smtp(SmtpSettings::from_url(&url).unwrap())
}
