//! A real portal per test: its own database (a SQLite file, or a fresh PostgreSQL schema),
//! served on port 0, driven over HTTP.

use std::{net::SocketAddr, str::FromStr};

use app::backend::{
    clock::Clock,
    config::{CaptchaKeySource, CaptchaMode, Config, MailTransport},
    password_hasher::PasswordHasher,
    store::Store,
    AppState,
};
use app::domain::{Email, Password};
use rand::Rng as _;
use reqwest::{header, Response};
use sqlx::postgres::PgConnectOptions;

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per database for each named `async fn name(db: Db)`.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name($crate::helpers::Db::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { super::$name($crate::helpers::Db::Postgres).await } )*
        }
    };
}
pub(crate) use on_both_databases;

pub const PASSWORD: &str = "Correct-Horse-Battery-9!";

/// Every test portal signs its captchas with this (a second node of one test shares it).
pub const CAPTCHA_KEY: &str = "test-captcha-key-0123456789abcdef0123456789abcdef";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub clock: Clock,
    /// Where the file transport writes the portal's mail (one .eml per message).
    pub mail_dir: tempfile::TempDir,
    _dir: Option<tempfile::TempDir>,
}

/// A signed-in (or not) browser: its own cookie jar.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

impl TestApp {
    pub async fn spawn(db: Db) -> Self {
        Self::spawn_with(db, |_| {}).await
    }

    pub async fn spawn_with(db: Db, adjust: impl FnOnce(&mut Config)) -> Self {
        let (store, dir) = fresh_store(db).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mail_dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_database("sqlite://unused").unwrap();
        config.public_url = format!("http://{addr}").parse().unwrap();
        config.listen = addr;
        config.mail_transport = MailTransport::Files(mail_dir.path().to_owned());
        // Most stories are not about the captcha; the captcha's own switch it back on.
        config.captcha.mode = CaptchaMode::Off;
        config.captcha.key = CaptchaKeySource::Given(CAPTCHA_KEY.to_owned().into());
        adjust(&mut config);
        // Now, so that the system clock (which the ALTCHA crate also consults) agrees with it.
        let clock = Clock::manual(Clock::system().now());
        let state = portal::startup::build_state_with_store(config, store, clock.clone()).unwrap();
        portal::serve(listener, state.clone(), std::future::pending()).await.unwrap();
        Self { addr, state, clock, mail_dir, _dir: dir }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn browser(&self) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            )
            .build()
            .unwrap();
        Browser { client, base: self.base(), jar }
    }

    /// Creates an account with [`PASSWORD`] the way `portal user add` does.
    pub async fn add_user(&self, email: &str) -> i64 {
        let email = Email::parse(email).unwrap();
        let hasher = PasswordHasher::new(self.state.config.argon2, 1, self.state.config.hash_queue_timeout).unwrap();
        let hash = hasher.hash(&Password::parse(PASSWORD).unwrap()).await.unwrap();
        self.state.store.insert_user(email.as_str(), &email.key(), &hash, self.clock.now()).await.unwrap()
    }

    /// A browser that has logged in as `email`.
    pub async fn logged_in(&self, email: &str) -> Browser {
        self.logged_in_with(email, PASSWORD).await
    }

    pub async fn logged_in_with(&self, email: &str, password: &str) -> Browser {
        let browser = self.browser();
        let response = browser.login(email, password).await;
        assert_eq!(response.status(), 200, "login as {email} failed");
        browser
    }
}

impl TestApp {
    /// The messages the portal has written so far, waiting up to five seconds for `count` of them.
    pub async fn wait_for_mail(&self, count: usize) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let mut messages: Vec<String> = std::fs::read_dir(self.mail_dir.path())
                .unwrap()
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect();
            if messages.len() >= count || tokio::time::Instant::now() > deadline {
                messages.sort();
                return messages;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Browser {
    /// The session token in this browser's cookie jar, if any.
    pub fn session_token(&self) -> Option<String> {
        use reqwest::cookie::CookieStore as _;
        let cookies = self.jar.cookies(&self.base.parse().unwrap())?;
        cookies.to_str().unwrap().split("; ").find_map(|c| c.strip_prefix("portal_session=")).map(str::to_owned)
    }

    /// A request carrying a session cookie chosen by the test instead of the jar's.
    pub async fn get_with_session(&self, path: &str, token: &str) -> Response {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, format!("portal_session={token}"))
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client.post(format!("{}{path}", self.base)).form(form).send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_form("/api/login", &[("email", email), ("password", password)]).await
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn post_html_form(&self, path: &str, referer: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("{}{referer}", self.base))
            .header(header::ORIGIN, &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

pub fn location(response: &Response) -> String {
    response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The `name=value` of the first `Set-Cookie` header, and the whole header.
pub fn set_cookie(response: &Response) -> Option<String> {
    response.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned())
}

async fn fresh_store(db: Db) -> (Store, Option<tempfile::TempDir>) {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("portal.db").display());
            let store = Store::connect(&url).await.unwrap();
            store.migrate().await.unwrap();
            (store, Some(dir))
        }
        Db::Postgres => {
            let url = std::env::var("PORTAL_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let schema = format!("test_{:016x}", rand::rng().random::<u64>());
            let admin = sqlx::PgPool::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {url} is needed for these tests: {e}"));
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.unwrap();
            admin.close().await;
            let options = PgConnectOptions::from_str(&url).unwrap().options([("search_path", schema.as_str())]);
            let store = Store::connect_postgres(options).await.unwrap();
            store.migrate().await.unwrap();
            (store, None)
        }
    }
}

impl TestApp {
    /// Another portal node's connection to this app's database: a second pool on the same
    /// SQLite file or PostgreSQL schema, with the same options.
    pub async fn second_node_store(&self) -> Store {
        match &self.state.store {
            Store::Sqlite(pool) => Store::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new().connect_with((*pool.connect_options()).clone()).await.unwrap(),
            ),
            Store::Postgres(pool) => Store::connect_postgres((*pool.connect_options()).clone()).await.unwrap(),
        }
    }
}

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
    def __init__(self, inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
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

async def main(host, port, inbox):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Sink(inbox), hostname="localhost"), host, int(port))
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
        let mut last_error = String::new();
        for _ in 0..5 {
            match Self::start_on(free_port()).await {
                Ok(server) => return server,
                Err(e) => last_error = e,
            }
        }
        panic!("the test SMTP server did not start: {last_error}");
    }

    /// Starts a server on `port`; returns once it accepts connections.
    pub async fn start_on(port: u16) -> Result<Self, String> {
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
    pub fn url(&self) -> url::Url {
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

    /// Waits (up to ten seconds) until at least `count` messages have arrived, and returns them.
    pub async fn wait_for(&self, count: usize) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(tokio::time::Instant::now() < deadline, "{count} message(s) expected, {} arrived", received.len());
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

pub fn smtp_url(port: u16) -> url::Url {
    format!("smtp://127.0.0.1:{port}").parse().unwrap()
}

impl TestApp {
    /// Waits for the work requests started in the background (a reset request's lookups).
    pub async fn settle(&self) {
        self.state.background.close();
        self.state.background.wait().await;
        self.state.background.reopen();
    }
}

impl TestApp {
    /// A browser talking to a second portal node that serves this app's database: its own pool
    /// and server, the same configuration and clock.
    pub async fn browser_on_a_second_node(&self) -> Browser {
        let store = self.second_node_store().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = (*self.state.config).clone();
        config.listen = addr;
        let state = portal::startup::build_state_with_store(config, store, self.clock.clone()).unwrap();
        portal::serve(listener, state, std::future::pending()).await.unwrap();
        Browser { base: format!("http://{addr}"), ..self.browser() }
    }
}
