//! The portal as it is deployed: three `portal serve` processes on one PostgreSQL database
//! behind a real HAProxy, with a real SMTP server. Through the balancer the nodes behave as one
//! (sessions, reset links, spent captchas, per-address budgets, the account lock, the outbox),
//! and a node killed with `kill -9` under load loses no change it confirmed, sends nothing
//! twice while the test watches, and rejoins once started again (`crash_run.rs`).
//!
//! The test starts and stops everything it needs: a database of its own on the PostgreSQL
//! server the other tests use, the SMTP server, the nodes (the `portal` binary) and `haproxy`
//! (Debian's package: `scripts/setup.sh --test`). `scripts/cluster-test.sh` runs it alone,
//! with its figures shown.
//!
//! The nodes run the real proof-of-work captcha, at difficulty 1 and a low cost so the test
//! (and the load) solve it in about a millisecond: every login here, the load's included,
//! sends a solved challenge.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a test stops at a broken step")]

mod balancer;
mod client;
mod crash_run;
mod database;
mod mail;
mod node;
#[allow(dead_code)] // The API tests use the rest of it.
#[path = "../api/helpers/smtp.rs"]
mod smtp;
mod stories;

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use balancer::Balancer;
use database::TestDatabase;
use node::Node;
use smtp::{free_port, SmtpServer};

/// The longest the test waits for any one thing (an answer, a node, a message).
pub const WAIT: Duration = Duration::from_secs(20);
/// The longest the whole test may take besides the load (start-up, the stories, the checks take
/// about 10 s). nextest ends it after 240 s (.config/nextest.toml): keep `CLUSTER_LOAD_SECS`
/// at 150 or below.
const BESIDES_THE_LOAD: Duration = Duration::from_secs(90);

/// One deployment: every node signs captchas and seals the outbox with the same keys.
const CAPTCHA_KEY: &str = "cluster-captcha-key-0123456789abcdef0123456789abcdef";
const SECRET_KEY: &str = "cluster-deployment-key-0123456789abcdef0123456789abcdef";
/// Login attempts per client address per 15 minutes (`PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS`).
pub const LOGIN_BUDGET: usize = 6;
/// Failed password checks after which an account locks (`PORTAL_LOGIN_LOCKOUT_AFTER`).
pub const LOCKOUT_AFTER: usize = 3;

/// Everything the test runs. Fields drop in order: the balancer and the nodes stop before the
/// database is dropped, and the directory holding their logs goes last.
pub struct Cluster {
    pub balancer: Balancer,
    pub nodes: Vec<Node>,
    pub smtp: SmtpServer,
    pub db: TestDatabase,
    _dir: tempfile::TempDir,
}

impl Cluster {
    /// A database, the SMTP server, `accounts` (email, password) made with `portal user add`,
    /// three nodes and the balancer in front of them, all ready.
    async fn start(accounts: &[(String, String)]) -> Self {
        balancer::require_haproxy();
        // Locals drop in reverse order: if start-up fails, processes stop before the database.
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::create().await;
        let smtp = SmtpServer::start().await;
        let balancer_port = free_port();
        std::fs::create_dir(dir.path().join("site")).unwrap();
        let env: Vec<(String, String)> = [
            ("PORTAL_DATABASE_URL", db.url.clone()),
            ("PORTAL_PUBLIC_URL", format!("http://127.0.0.1:{balancer_port}")),
            ("PORTAL_SECRET_KEY", SECRET_KEY.into()),
            ("PORTAL_CAPTCHA", "pow".into()),
            ("PORTAL_CAPTCHA_KEY", CAPTCHA_KEY.into()),
            ("PORTAL_CAPTCHA_DIFFICULTY", "1".into()),
            ("PORTAL_CAPTCHA_COST", "100".into()),
            ("PORTAL_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port)),
            // HAProxy connects from 127.0.0.1 and writes the client's address; the test's
            // clients use other 127/8 addresses, so a client going to a node directly is
            // counted by its own address.
            ("PORTAL_CLIENT_ADDRESS_HEADER", "X-Forwarded-For".into()),
            ("PORTAL_TRUSTED_PROXIES", "127.0.0.1".into()),
            ("PORTAL_SHUTDOWN_DRAIN_SECS", "0".into()),
            ("PORTAL_SITE_ROOT", dir.path().join("site").display().to_string()),
            ("PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS", LOGIN_BUDGET.to_string()),
            ("PORTAL_LOGIN_LOCKOUT_AFTER", LOCKOUT_AFTER.to_string()),
            ("RUST_LOG", "info,sqlx=warn".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        portal_cli(&env, dir.path(), &["migrate"], None).await;
        let added = accounts.iter().map(|(email, password)| {
            let (env, dir) = (&env, dir.path());
            async move { portal_cli(env, dir, &["user", "add", email, "--password-stdin"], Some(password)).await }
        });
        futures_util::future::join_all(added).await;
        let mut nodes: Vec<Node> = (1..=3)
            .map(|n| Node::start(&format!("node{n}"), free_port(), env.clone(), dir.path().to_owned()))
            .collect();
        for node in &mut nodes {
            node.wait_ready().await;
        }
        let balancer = Balancer::start(balancer_port, &nodes, dir.path()).await;
        Self { balancer, nodes, smtp, db, _dir: dir }
    }

    pub fn node_names(&self) -> std::collections::BTreeSet<String> {
        self.nodes.iter().map(|node| node.name.clone()).collect()
    }
}

/// Runs `portal ARGS` (the command line an operator uses) with the cluster's environment,
/// `stdin` on its standard input; fails the test if it fails or takes longer than [`WAIT`].
async fn portal_cli(env: &[(String, String)], dir: &std::path::Path, args: &[&str], stdin: Option<&str>) {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run the portal binary");
    let mut input = child.stdin.take().unwrap();
    input.write_all(format!("{}\n", stdin.unwrap_or_default()).as_bytes()).unwrap();
    drop(input);
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
    assert!(
        output.status.success(),
        "portal {} failed: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The last `lines` lines of the log file at `path` (empty when it cannot be read), for a
/// failure's message.
pub fn log_tail(path: &std::path::Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Awaits `work`, failing the test after `limit` with a message naming `what`.
pub async fn within<T>(limit: Duration, what: impl std::fmt::Display, work: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(limit, work).await {
        Ok(value) => value,
        Err(_) => panic!("gave up after {limit:?} waiting for {what}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_behind_haproxy_act_as_one_and_survive_a_kill_9_under_load() {
    let started = Instant::now();
    within(BESIDES_THE_LOAD + crash_run::load_duration(), "the whole cluster test", async {
        let accounts = stories::ACCOUNTS.iter().chain(crash_run::ACCOUNTS.iter());
        let accounts: Vec<(String, String)> =
            accounts.map(|email| (email.to_string(), client::strong_password(email))).collect();
        let password = |email: &str| accounts.iter().find(|(e, _)| e == email).unwrap().1.clone();
        let mut cluster = Cluster::start(&accounts).await;
        eprintln!(
            "cluster up after {:.1} s: {} behind haproxy on {}",
            started.elapsed().as_secs_f64(),
            cluster.node_names().into_iter().collect::<Vec<_>>().join(", "),
            cluster.balancer.base()
        );

        stories::a_session_made_on_one_node_works_on_every_node(&cluster, &password).await;
        stories::a_reset_link_is_redeemed_once_whichever_node_serves_it(&cluster, &password).await;
        stories::a_captcha_answered_on_one_node_is_refused_on_another(&cluster, &password).await;
        stories::the_per_address_login_budget_is_shared(&cluster).await;
        stories::the_account_lock_is_shared(&cluster, &password).await;
        stories::each_message_is_delivered_exactly_once(&cluster).await;

        crash_run::kill_9_a_node_under_load(&mut cluster, &password).await;
    })
    .await;
    eprintln!("cluster test: {:.1} s in all", started.elapsed().as_secs_f64());
}
