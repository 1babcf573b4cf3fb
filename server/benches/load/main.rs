//! The portal under load: the release binary in its own process on a SQLite file, driven by
//! concurrent clients for a fixed time, ending with one table (issue 10, item 5).
//!
//!     cargo bench -p portal --bench load
//!     LOAD_SECS=30 LOAD_IDLE_SECS=30 cargo bench -p portal --bench load   # the protocol
//!
//! Rows: successful logins/s at c16 (each worker logs in to an account of its own, so the
//! per-account throttle never interferes) with p50/p99; GET /login at c64; Forgot? at c16, its
//! answers and the background work behind them; the app's and the login page's WASM at c16 (needs
//! `cargo leptos build --release --precompress`); the portal's resident memory at start, after
//! two login runs, after an idle pause and after each later run; and, measured in the same run
//! before and after the logins, what argon2id alone does at the production cost, the reference
//! the logins are compared with. Prints figures; asserts nothing (timing belongs in benchmarks).
//!
//! `LOAD_SECS` (default 10), `LOAD_IDLE_SECS` (10) and `LOAD_REF_SECS` (5) set the durations;
//! `LOAD_SITE_ROOT` names a built site to serve instead of the workspace's `target/site`.
//!
//! The load generator shares the machine with the portal, so every rate is a floor; the
//! per-CPU-second figures depend far less on what else the machine is running.
//!
//! The folder: `main.rs` runs the parts in order and prints the table; `parts.rs` holds the parts
//! (the load each puts on the portal, the rows it adds); `drive.rs` the workers that send the
//! requests; `portal_process.rs` the portal's own process; `proc_info.rs` what Linux's /proc
//! says; `argon2_reference.rs` the argon2id reference; `table.rs` the table. What the benchmarks
//! share is in `../support/`.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark stops at a broken setup")]

mod argon2_reference;
mod drive;
mod parts;
mod portal_process;
mod proc_info;
#[path = "../support/mod.rs"]
mod support;
mod table;

use std::{path::PathBuf, time::Duration};

use app::backend::config::Config;
use parts::{argon2_reference, bundle_row, compare_with_reference, flood_row, forgot_rows, login_runs, measured};
use portal_process::PortalProcess;
use support::seed_sqlite;
use table::Table;

const LOGIN_WORKERS: usize = 16;
const PAGE_WORKERS: usize = 64;
const FORGOT_WORKERS: usize = 16;
const BUNDLE_WORKERS: usize = 16;

/// How long each part runs: `LOAD_SECS` per run (the second login run takes twice as long),
/// `LOAD_IDLE_SECS` of rest before the idle memory figure, `LOAD_REF_SECS` per argon2 run.
struct Durations {
    load: Duration,
    idle: Duration,
    reference: Duration,
}

impl Durations {
    fn from_env() -> Self {
        let secs = |name: &str, default: u64, least: u64| {
            let value = std::env::var(name).map_or(default, |text| {
                text.trim().parse().unwrap_or_else(|_| panic!("{name} must be a whole number of seconds, got '{text}'"))
            });
            assert!(value >= least, "{name} must be at least {least}, got {value}");
            Duration::from_secs(value)
        };
        Self {
            load: secs("LOAD_SECS", 10, 1),
            idle: secs("LOAD_IDLE_SECS", 10, 0),
            reference: secs("LOAD_REF_SECS", 5, 1),
        }
    }
}

#[tokio::main]
async fn main() {
    let durations = Durations::from_env();
    // The production defaults: the argon2 cost the accounts are hashed with and the hash
    // concurrency the portal picks on this machine (it gets no setting that changes either).
    let defaults = Config::for_database("sqlite://unused").unwrap();
    let emails: Vec<String> = (0..LOGIN_WORKERS).map(|i| format!("load-{i:02}@example.com")).collect();
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("load.db");
    let addresses: Vec<&str> = emails.iter().map(String::as_str).collect();
    seed_sqlite(&database, &defaults, &addresses).await.close().await;
    // Another site than the workspace's: a build kept aside while target/site is being rebuilt.
    let site_root = std::env::var_os("LOAD_SITE_ROOT")
        .map_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site")), PathBuf::from);
    let site = site_root.is_dir().then(|| site_root.canonicalize().unwrap());
    let portal = PortalProcess::start(dir, &database, site.as_deref()).await;

    let argon2 = defaults.argon2;
    let threads = defaults.hash_concurrency;
    println!("load benchmark: release portal pid {} at {}", portal.pid(), portal.base);
    println!(
        "settings: LOAD_SECS={} LOAD_IDLE_SECS={} LOAD_REF_SECS={} (the issue's protocol: LOAD_SECS=30 LOAD_IDLE_SECS=30)",
        durations.load.as_secs(),
        durations.idle.as_secs(),
        durations.reference.as_secs()
    );
    println!(
        "argon2id m={} KiB t={} p={}, hash concurrency {threads}; {} accounts; captcha off; site root: {}",
        argon2.memory_kib,
        argon2.iterations,
        argon2.parallelism,
        emails.len(),
        site.as_ref().map_or_else(|| format!("none ({} is missing)", site_root.display()), |s| s.display().to_string())
    );
    println!("metrics: {} (as an operator scrapes it; a few counters are printed after each part)", portal.metrics);
    println!("load average before: {}", proc_info::load_average());
    print_metrics(&portal, "at start").await;

    let mut table = Table::default();
    table.memory("at start", &portal, "");

    // Before and after the logins, so that the reference sees much the same machine.
    let mut references = vec![argon2_reference(threads, argon2, durations.reference, "before", &mut table).await];
    let (logins, logins_per_cpu) = login_runs(&portal, &emails, durations.load, &mut table).await;
    references.push(argon2_reference(threads, argon2, durations.reference, "after", &mut table).await);
    compare_with_reference(logins, logins_per_cpu, &references, &mut table);
    print_metrics(&portal, "after the logins").await;

    println!("· idle, {} s", durations.idle.as_secs());
    tokio::time::sleep(durations.idle).await;
    portal.assert_alive();
    let ceiling = 64.0 + (threads as f64) * f64::from(argon2.memory_kib) / 1024.0;
    table.memory(
        &format!("after {} s idle", durations.idle.as_secs()),
        &portal,
        &format!("issue's ceiling: 64 MiB + {threads} × argon2 memory = {ceiling:.0} MiB"),
    );

    println!("· GET /login, {PAGE_WORKERS} workers, {} s", durations.load.as_secs());
    let page = portal.url("/login");
    let (outcome, cpu) =
        measured(&portal, PAGE_WORKERS, durations.load, move |client, _| client.get(page.clone())).await;
    table.rate(&format!("GET /login, c{PAGE_WORKERS}"), &outcome, cpu, "");
    table.memory("after GET /login", &portal, "");

    forgot_rows(&portal, &emails, durations.load, &mut table).await;
    flood_row(&portal, &emails, durations.load, logins, &mut table).await;
    // The app's module, the largest a first visit loads (here from /forgot), and the login
    // page's own small one.
    bundle_row(&portal, site.is_some(), "/forgot", "the app's WASM", durations.load, &mut table).await;
    bundle_row(&portal, site.is_some(), "/login", "the login page's WASM", durations.load, &mut table).await;
    table.memory("at the end", &portal, "");
    print_metrics(&portal, "at the end").await;

    println!("load average after: {}", proc_info::load_average());
    println!();
    table.print();
    println!();
    portal.print_log_summary();
}

/// The counters an operator would watch during this benchmark, read from `/metrics`.
async fn print_metrics(portal: &PortalProcess, when: &str) {
    const WATCHED: &[&str] = &[
        "portal_logins_total",
        "portal_password_hash_duration_seconds_count",
        "portal_password_hashes_in_flight",
        "portal_http_requests_total{route=\"/login\"",
        "portal_reset_requests_total",
        "portal_mail_sent_total",
        "portal_outbox_backlog",
        "portal_db_pool_connections",
    ];
    let scrape = match reqwest::get(portal.metrics.clone()).await {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(e) => return println!("/metrics {when}: not read ({e})"),
    };
    let lines: Vec<&str> =
        scrape.lines().filter(|line| WATCHED.iter().any(|watched| line.starts_with(watched))).collect();
    println!("/metrics {when}: {}", lines.join(" · "));
}
