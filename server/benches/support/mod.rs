//! What the benchmarks share: a real portal on a SQLite file in a temporary folder, with alice.
// Each benchmark binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::{
    net::SocketAddr,
    path::Path,
    time::{Duration, Instant},
};

use app::{
    backend::{
        clock::Clock, config::CaptchaKeySource, config::CaptchaMode, config::Config, config::MailTransport,
        secrets::password_hasher::PasswordHasher, steps::new_password_check, store::Store, use_cases::accounts,
    },
    domain::Email,
};

pub const EMAIL: &str = "alice@example.com";
pub const PASSWORD: &str = "Tq7#vLm2@pXz9!kR";

pub struct Bench {
    pub addr: SocketAddr,
    pub config: Config,
    _dir: tempfile::TempDir,
}

/// Which database a benchmark's portal stores in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchDb {
    /// A file in a temporary folder.
    Sqlite,
    /// A schema of its own in `PORTAL_TEST_POSTGRES_URL` (the local server by default).
    Postgres,
}

/// Serves a portal with the production defaults, changed by `adjust`, and one account.
pub async fn spawn_portal(adjust: impl FnOnce(&mut Config)) -> Bench {
    spawn_portal_on(BenchDb::Sqlite, adjust).await
}

/// [`spawn_portal`], on `db`.
pub async fn spawn_portal_on(db: BenchDb, adjust: impl FnOnce(&mut Config)) -> Bench {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::for_database("sqlite://unused").unwrap();
    config.public_url = format!("http://{addr}").parse().unwrap();
    config.mail_transport = MailTransport::Files(dir.path().join("mail"));
    // Timing the login and Forgot? themselves; the captcha has its own benchmark.
    config.captcha.mode = CaptchaMode::Off;
    config.captcha.key = CaptchaKeySource::Given("bench-captcha-key-0123456789abcdef0123456789".to_owned().into());
    adjust(&mut config);
    let store = match db {
        BenchDb::Sqlite => seed_sqlite(&dir.path().join("bench.db"), &config, &[EMAIL]).await,
        BenchDb::Postgres => seed_postgres(&config, &[EMAIL]).await,
    };
    let state = portal::startup::build_state_with_store(config.clone(), store, Clock::system()).unwrap();
    portal::serve(listener, state, std::future::pending()).await.unwrap();
    Bench { addr, config, _dir: dir }
}

/// Creates and migrates the SQLite file at `path` and adds one account per address, each with
/// [`PASSWORD`] hashed with `config`'s argon2 settings.
pub async fn seed_sqlite(path: &Path, config: &Config, emails: &[&str]) -> Store {
    let store = Store::connect_sqlite(path).await.unwrap();
    seed(store, config, emails).await
}

/// A fresh schema in the PostgreSQL server of `PORTAL_TEST_POSTGRES_URL`, seeded as
/// [`seed_sqlite`] seeds a file.
pub async fn seed_postgres(config: &Config, emails: &[&str]) -> Store {
    use std::str::FromStr as _;
    let url = std::env::var("PORTAL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("bench_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&url).await.expect("PostgreSQL for the benchmark (scripts/start-postgres.sh)");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))).execute(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.unwrap();
    admin.close().await;
    let options = sqlx::postgres::PgConnectOptions::from_str(&url).unwrap().options([("search_path", schema.as_str())]);
    seed(Store::connect_postgres(options).await.unwrap(), config, emails).await
}

async fn seed(store: Store, config: &Config, emails: &[&str]) -> Store {
    store.migrate().await.unwrap();
    let hasher = PasswordHasher::new(config.argon2, 1, Duration::from_secs(5)).unwrap();
    for email in emails {
        let email = Email::parse(email).unwrap();
        let password =
            new_password_check::parse(PASSWORD, &config.password_policy, &email, &config.brand.site_name).unwrap();
        accounts::create(&store, &hasher, &email, &password, 0).await.unwrap();
    }
    store
}

/// Sorts the samples and prints median, mean and p95 on one line; returns the median.
pub fn report(name: &str, times: &mut [Duration]) -> Duration {
    times.sort();
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!("{name:>17}: median {:>8.3} ms  mean {:>8.3} ms  p95 {:>8.3} ms", ms(median), ms(mean), ms(p95));
    median
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times one form POST; returns the time, the status and the body.
pub async fn post(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> (Duration, u16, Vec<u8>) {
    let started = Instant::now();
    let response = client.post(url).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap().to_vec();
    (started.elapsed(), status, body)
}
