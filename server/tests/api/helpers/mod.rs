//! A real portal per test: its own database (a SQLite file, or a fresh PostgreSQL schema),
//! served on port 0, driven over HTTP.

mod cli;
mod limits;
mod smtp;

use std::{net::SocketAddr, str::FromStr, time::Duration};

use app::backend::{
    clock::Clock, config::CaptchaKeySource, config::CaptchaMode, config::Config, config::MailTransport,
    secrets::password_hasher::PasswordHasher, steps::new_password_check, store::Store, use_cases::accounts, AppState,
};
use app::{domain::Email, password_policy::PasswordPolicy};
use rand::Rng as _;
use reqwest::{header, Response};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use cli::portal_cli;
pub use limits::{story, within, WAIT};
pub use smtp::{free_port, smtp_url, SmtpServer};

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per database for each named `async fn name(db: Db)`, each
/// run as a bounded [`story`].
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $crate::helpers::on_both_databases!(@on sqlite, Sqlite, "SQLite"; $($name),*);
        $crate::helpers::on_both_databases!(@on postgres, Postgres, "PostgreSQL"; $($name),*);
    };
    (@on $module:ident, $db:ident, $label:literal; $($name:ident),*) => {
        mod $module {
            $( #[tokio::test] async fn $name() {
                $crate::helpers::story(
                    concat!(stringify!($name), " (", $label, ")"),
                    super::$name($crate::helpers::Db::$db),
                ).await
            } )*
        }
    };
}
pub(crate) use on_both_databases;

pub const PASSWORD: &str = "Correct-Horse-Battery-9!";

/// Every test portal signs its captchas with this (a second node of one test shares it).
pub const CAPTCHA_KEY: &str = "test-captcha-key-0123456789abcdef0123456789abcdef";

/// Every test portal's deployment key (a second node of one test shares it).
pub const SECRET_KEY: &str = "test-deployment-key-0123456789abcdef0123456789abcdef";

pub struct TestApp {
    pub addr: SocketAddr,
    /// Where `/metrics` is served, when the test's configuration asks for it.
    pub metrics_addr: Option<SocketAddr>,
    pub state: AppState,
    pub clock: Clock,
    /// Where the file transport writes the portal's mail (one .eml per message).
    pub mail_dir: tempfile::TempDir,
    /// The database as `PORTAL_DATABASE_URL` names it, for running the `portal` binary on it.
    pub database_url: String,
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
        let (store, database_url, dir) = fresh_store(db).await;
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
        config.secret_key = CaptchaKeySource::Given(SECRET_KEY.to_owned().into());
        adjust(&mut config);
        // Now, so that the system clock (which the ALTCHA crate also consults) agrees with it.
        let clock = Clock::manual(Clock::system().now());
        let state = portal::startup::build_state_with_store(config, store, clock.clone()).unwrap();
        let portal = portal::serve(listener, state.clone(), std::future::pending()).await.unwrap();
        Self { addr, metrics_addr: portal.metrics_addr, state, clock, mail_dir, database_url, _dir: dir }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn browser(&self) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(WAIT)
            .timeout(WAIT)
            .user_agent(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            )
            .build()
            .unwrap();
        Browser { client, base: self.base(), jar }
    }

    /// Creates an account with [`PASSWORD`] the way `portal user add` does. The account is an
    /// old one: its password predates the current policy (it holds dictionary words).
    pub async fn add_user(&self, email: &str) -> app::backend::store::UserId {
        let email = self::email(email);
        let any_password = PasswordPolicy {
            min_length: 1,
            require_upper: false,
            require_lower: false,
            require_digit: false,
            require_symbol: false,
            reject_dictionary_words: false,
            min_score: 0,
        };
        let password =
            new_password_check::parse(PASSWORD, &any_password, &email, app::brand::DEFAULT_SITE_NAME).unwrap();
        let hasher = PasswordHasher::new(self.state.config.argon2, 1, self.state.config.hash_queue_timeout).unwrap();
        accounts::create(&self.state.store, &hasher, &email, &password, self.clock.now()).await.unwrap()
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
    /// The messages the portal has written, once there are at least `count` of them.
    pub async fn wait_for_mail(&self, count: usize) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let mut messages: Vec<String> = std::fs::read_dir(self.mail_dir.path())
                .unwrap()
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect();
            if messages.len() >= count {
                messages.sort();
                return messages;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "gave up after {:?} waiting for {count} message(s) in {}: {} written",
                WAIT,
                self.mail_dir.path().display(),
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
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

    /// The device cookie's token in this browser's cookie jar, if any: it has signed in before.
    pub fn device_token(&self) -> Option<String> {
        use reqwest::cookie::CookieStore as _;
        let cookies = self.jar.cookies(&self.base.parse().unwrap())?;
        cookies.to_str().unwrap().split("; ").find_map(|c| c.strip_prefix("portal_device=")).map(str::to_owned)
    }

    /// The pending sign-in's token in this browser's cookie jar, if any.
    pub fn pending_token(&self) -> Option<String> {
        use reqwest::cookie::CookieStore as _;
        let cookies = self.jar.cookies(&self.base.parse().unwrap())?;
        cookies.to_str().unwrap().split("; ").find_map(|c| c.strip_prefix("portal_pending=")).map(str::to_owned)
    }

    /// The second login step sent with a pending sign-in cookie chosen by the test.
    pub async fn verify_with_pending(&self, token: &str, code: &str) -> Response {
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(WAIT).build().unwrap();
        let request = client
            .post(format!("{}/api/verify_sign_in", self.base))
            .header(header::COOKIE, format!("portal_pending={token}"))
            .form(&[("code", code)]);
        send("POST /api/verify_sign_in".to_owned(), request).await
    }

    /// A request carrying a session cookie chosen by the test instead of the jar's.
    pub async fn get_with_session(&self, path: &str, token: &str) -> Response {
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(WAIT).build().unwrap();
        let request =
            client.get(format!("{}{path}", self.base)).header(header::COOKIE, format!("portal_session={token}"));
        send(format!("GET {path}"), request).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        send(format!("POST {path}"), self.client.post(format!("{}{path}", self.base)).form(form)).await
    }

    pub async fn get(&self, path: &str) -> Response {
        send(format!("GET {path}"), self.client.get(format!("{}{path}", self.base))).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_form("/api/login", &[("email", email), ("password", password)]).await
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn post_html_form(&self, path: &str, referer: &str, form: &[(&str, &str)]) -> Response {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("{}{referer}", self.base))
            .header(header::ORIGIN, &self.base)
            .form(form);
        send(format!("POST {path} (HTML form)"), request).await
    }

    /// Posts `form` as a browser without JavaScript does from a page sent with
    /// `Referrer-Policy: no-referrer`: no `Referer` at all.
    pub async fn post_html_form_without_referer(&self, path: &str, form: &[(&str, &str)]) -> Response {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::ORIGIN, &self.base)
            .form(form);
        send(format!("POST {path} (HTML form, no Referer)"), request).await
    }
}

/// Sends `request` and waits (bounded) for the head of the answer; panics naming `what` when
/// none comes. The client's own timeout bounds reading the body afterwards.
pub async fn send(what: String, request: reqwest::RequestBuilder) -> Response {
    let what = format!("the answer to {what}");
    within(WAIT, &what, request.send()).await.unwrap_or_else(|e| panic!("no {what}: {e}"))
}

pub fn email(address: &str) -> Email {
    Email::parse(address).unwrap()
}

pub fn location(response: &Response) -> String {
    response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The `name=value` of the first `Set-Cookie` header, and the whole header.
pub fn set_cookie(response: &Response) -> Option<String> {
    response.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned())
}

async fn fresh_store(db: Db) -> (Store, String, Option<tempfile::TempDir>) {
    let (store, url, dir) = empty_store(db).await;
    store.migrate().await.unwrap();
    (store, url, dir)
}

/// A database no migration has touched yet: a new SQLite file, or a fresh PostgreSQL schema;
/// with its `PORTAL_DATABASE_URL` and the folder the file lives in.
pub async fn empty_store(db: Db) -> (Store, String, Option<tempfile::TempDir>) {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("portal.db");
            let store = Store::connect_sqlite(&path).await.unwrap();
            (store, format!("sqlite://{}", path.display()), Some(dir))
        }
        Db::Postgres => {
            let url = std::env::var("PORTAL_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let schema = format!("test_{:016x}", rand::rng().random::<u64>());
            let admin = PgPoolOptions::new()
                .acquire_timeout(WAIT)
                .connect(&url)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {url} is needed for these tests: {e}"));
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.unwrap();
            admin.close().await;
            let options = PgConnectOptions::from_str(&url).unwrap().options([("search_path", schema.as_str())]);
            let store = Store::connect_postgres(options).await.unwrap();
            let separator = if url.contains('?') { '&' } else { '?' };
            (store, format!("{url}{separator}options[search_path]={schema}"), None)
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

impl TestApp {
    /// Waits for the work requests started in the background (a reset request's lookups).
    pub async fn settle(&self) {
        self.state.background.close();
        within(WAIT, "the background work of earlier requests", self.state.background.wait()).await;
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

    /// A new browser (its own empty cookie jar) talking to the node `like` talks to.
    pub fn new_browser_like(&self, like: &Browser) -> Browser {
        Browser { base: like.base.clone(), ..self.browser() }
    }
}
