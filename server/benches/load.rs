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

mod support;

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use app::backend::config::Config;
use drive::Outcome;
use portal_process::PortalProcess;
use reqwest::{header, Client, Url};
use support::{seed_sqlite, PASSWORD};
use table::Table;

const LOGIN_WORKERS: usize = 16;
const PAGE_WORKERS: usize = 64;
const FORGOT_WORKERS: usize = 16;
const BUNDLE_WORKERS: usize = 16;
/// The longest wait for the portal to finish the Forgot? work it answered before doing.
const DRAIN_WITHIN: Duration = Duration::from_secs(300);
/// A backlog that has not shrunk for this long is reported as it stands.
const DRAIN_STALLED_AFTER: Duration = Duration::from_secs(15);

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

/// Two login runs, `length` and twice that, with the memory after each. Returns the successful
/// logins per second and per CPU-second of the portal over both runs.
async fn login_runs(portal: &PortalProcess, emails: &[String], length: Duration, table: &mut Table) -> (f64, f64) {
    let login = {
        let (url, emails) = (portal.url("/api/login"), emails.to_vec());
        move |client: &Client, worker: usize| {
            client.post(url.clone()).form(&[("email", emails[worker].as_str()), ("password", PASSWORD)])
        }
    };
    let (mut ok, mut elapsed, mut cpu) = (0, Duration::ZERO, Duration::ZERO);
    for (run, length) in [(1, length), (2, length * 2)] {
        println!("· logins, {LOGIN_WORKERS} workers, {} s (run {run})", length.as_secs());
        let (outcome, run_cpu) = measured(portal, LOGIN_WORKERS, length, login.clone()).await;
        let what = format!("successful logins, c{LOGIN_WORKERS}, run {run} ({} s)", length.as_secs());
        table.rate(&what, &outcome, run_cpu, "");
        table.memory(&format!("after login run {run}"), portal, "");
        (ok, elapsed, cpu) = (ok + outcome.ok, elapsed + outcome.elapsed, cpu + run_cpu);
    }
    (ok as f64 / elapsed.as_secs_f64(), ok as f64 / cpu.as_secs_f64())
}

async fn argon2_reference(
    threads: usize,
    argon2: app::backend::config::Argon2Settings,
    length: Duration,
    when: &str,
    table: &mut Table,
) -> argon2_reference::Rate {
    println!("· argon2id alone, {threads} threads, {} s ({when} the logins)", length.as_secs());
    let rate = argon2_reference::run(argon2, threads, length).await;
    table.row(
        &format!("argon2id verify alone, {threads} threads, {when} logins"),
        format!("{:.1} /s", rate.per_second()),
        None,
        format!("{:.1} per CPU-s; spawn_blocking + semaphore, a fresh Argon2 per verify", rate.per_cpu_second()),
    );
    rate
}

fn compare_with_reference(login: f64, login_per_cpu: f64, references: &[argon2_reference::Rate], table: &mut Table) {
    let mean = |f: fn(&argon2_reference::Rate) -> f64| references.iter().map(f).sum::<f64>() / references.len() as f64;
    let (reference, reference_per_cpu) = (mean(|r| r.per_second()), mean(|r| r.per_cpu_second()));
    table.row(
        "successful logins/s ÷ argon2id alone",
        format!("{:.2}", login / reference),
        None,
        format!(
            "{login:.1} ÷ {reference:.1} (mean of the two argon2 runs); issue's target ≥ 0.85; \
             per CPU-s: {login_per_cpu:.1} ÷ {reference_per_cpu:.1} = {:.2}",
            login_per_cpu / reference_per_cpu
        ),
    );
}

/// Forgot? answers before it does the work (so that every address gets the same answer in the
/// same time): one row for the answers, one for the work, counted in the portal's log once the
/// backlog has drained.
async fn forgot_rows(portal: &PortalProcess, emails: &[String], length: Duration, table: &mut Table) {
    const DONE: &str = "password reset requested";
    const FAILED: &str = "password reset request failed";
    println!("· Forgot?, {FORGOT_WORKERS} workers, {} s", length.as_secs());
    let forgot = {
        let url = portal.url("/api/request_password_reset");
        let emails: Vec<String> = (0..FORGOT_WORKERS).map(|i| emails[i % emails.len()].clone()).collect();
        move |client: &Client, worker: usize| client.post(url.clone()).form(&[("email", emails[worker].as_str())])
    };
    let before = portal.count_in_log(&[DONE, FAILED]);
    let started = Instant::now();
    let (outcome, cpu) = measured(portal, FORGOT_WORKERS, length, forgot).await;
    table.rate(&format!("Forgot? POST answers, c{FORGOT_WORKERS}"), &outcome, cpu, "existing accounts");
    table.memory("right after the Forgot? run", portal, "");

    println!("· waiting for the Forgot? work behind {} answers (at most {} s)", outcome.ok, DRAIN_WITHIN.as_secs());
    let ended = Instant::now();
    let (mut handled, mut last_change) = ([0; 2], Instant::now());
    loop {
        let now: Vec<usize> = portal.count_in_log(&[DONE, FAILED]).iter().zip(&before).map(|(n, b)| n - b).collect();
        if now[..] != handled[..] {
            (handled, last_change) = ([now[0], now[1]], Instant::now());
        }
        let all = (handled[0] + handled[1]) as u64 >= outcome.ok;
        if all || ended.elapsed() > DRAIN_WITHIN || last_change.elapsed() > DRAIN_STALLED_AFTER {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    portal.assert_alive();
    let took = last_change.duration_since(ended).as_secs_f64();
    table.row(
        "Forgot? work done in the background",
        format!("{:.1} /s", (handled[0] + handled[1]) as f64 / last_change.duration_since(started).as_secs_f64()),
        None,
        format!(
            "{} of {} handled, the last {took:.1} s after the run ended; {} failed (log lines '{DONE}', '{FAILED}')",
            handled[0] + handled[1],
            outcome.ok,
            handled[1]
        ),
    );
    table.memory("after the Forgot? work", portal, "");
}

/// Logins while a flood of Forgot? requests arrives from one client at c32 (issue 11, item 6):
/// the flood's background work is bounded, so logins keep most of the rate they had alone.
async fn flood_row(portal: &PortalProcess, emails: &[String], length: Duration, alone: f64, table: &mut Table) {
    const FLOOD_WORKERS: usize = 32;
    println!(
        "· logins, {LOGIN_WORKERS} workers, during a Forgot? flood, {FLOOD_WORKERS} workers, {} s",
        length.as_secs()
    );
    let login = {
        let (url, emails) = (portal.url("/api/login"), emails.to_vec());
        move |client: &Client, worker: usize| {
            client.post(url.clone()).form(&[("email", emails[worker].as_str()), ("password", PASSWORD)])
        }
    };
    let flood = {
        let url = portal.url("/api/request_password_reset");
        move |client: &Client, worker: usize| {
            let email = if worker.is_multiple_of(2) {
                format!("nobody{worker}@example.com")
            } else {
                format!("user{worker}@example.com")
            };
            client.post(url.clone()).form(&[("email", email)])
        }
    };
    let (logins, forgot) =
        tokio::join!(measured(portal, LOGIN_WORKERS, length, login), drive::run(FLOOD_WORKERS, length, flood));
    let (outcome, cpu) = logins;
    let share = 100.0 * outcome.rate() / alone;
    let notes = format!(
        "{share:.0} % of logins alone ({alone:.1} /s; issue's target ≥ 80 %); the flood: {} Forgot? answered 2xx ({:.0} /s), other answers: {}",
        forgot.ok,
        forgot.rate(),
        forgot.others_text()
    );
    table.rate("successful logins during a Forgot? flood", &outcome, cpu, &notes);
    table.memory("after the flood", portal, "");
}

/// The WASM module `page` loads, fetched as a browser does (`br, gzip`), or a line saying why
/// there is none to fetch.
async fn bundle_row(
    portal: &PortalProcess,
    site_exists: bool,
    page: &str,
    name: &str,
    length: Duration,
    table: &mut Table,
) {
    let what = format!("{name}, c{BUNDLE_WORKERS}");
    if !site_exists {
        table.skipped(&what, &format!("skipped: no target/site or LOAD_SITE_ROOT ({})", build_hint()));
        return;
    }
    let html = drive::client(1).get(portal.url(page)).send().await.unwrap().text().await.unwrap();
    let Some(url) = wasm_url(&html, &portal.url(page)) else {
        table.skipped(&what, &format!("skipped: {page}'s HTML links no .wasm file"));
        return;
    };
    let probe = drive::client(1).get(url.clone()).header(header::ACCEPT_ENCODING, "br, gzip").send().await.unwrap();
    let status = probe.status();
    let named = |name| probe.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned();
    let (encoding, cache) = (named(header::CONTENT_ENCODING), named(header::CACHE_CONTROL));
    let bytes = probe.bytes().await.map_or(0, |b| b.len());
    if !status.is_success() {
        table.skipped(&what, &format!("skipped: {} answered {status} ({})", url.path(), build_hint()));
        return;
    }
    println!(
        "· {} ({bytes} B as {encoding}, cache-control: {cache}), {BUNDLE_WORKERS} workers, {} s",
        url.path(),
        length.as_secs()
    );
    let (outcome, cpu) = measured(portal, BUNDLE_WORKERS, length, move |client, _| {
        client.get(url.clone()).header(header::ACCEPT_ENCODING, "br, gzip")
    })
    .await;
    table.rate(&what, &outcome, cpu, &format!("{bytes} B each, content-encoding: {encoding}, cache-control: {cache}"));
}

/// How to build the site with precompressed bundles: the workspace's script where there is one.
fn build_hint() -> &'static str {
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/build.sh")).exists() {
        "run `scripts/build.sh --release`, which runs `cargo leptos build --release --precompress`"
    } else {
        "run `cargo leptos build --release --precompress`"
    }
}

/// One run of `drive::run`, with the CPU time the portal spent meanwhile.
async fn measured(
    portal: &PortalProcess,
    workers: usize,
    length: Duration,
    request: impl Fn(&Client, usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> (Outcome, Duration) {
    let cpu = portal.cpu_time();
    let outcome = drive::run(workers, length, request).await;
    portal.assert_alive();
    (outcome, portal.cpu_time().saturating_sub(cpu))
}

/// The first `.wasm` file the page links (`<link rel="preload" href="….wasm">`, written by
/// Leptos's `HydrationScripts`), whatever its name: it may carry a content hash.
fn wasm_url(html: &str, page: &Url) -> Option<Url> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .find(|href| href.split(['?', '#']).next().is_some_and(|path| path.ends_with(".wasm")))
        .and_then(|href| page.join(&href).ok())
}

/// What Linux's /proc says about a process (`self` or a pid) and the machine.
mod proc_info {
    use std::time::Duration;

    fn status(pid: &str) -> Option<String> {
        std::fs::read_to_string(format!("/proc/{pid}/status")).ok()
    }

    /// Alive, and not a zombie waiting to be reaped.
    pub fn is_running(pid: &str) -> bool {
        let state = status(pid).and_then(|s| s.lines().find_map(|l| l.strip_prefix("State:")).map(str::to_owned));
        state.is_some_and(|s| !s.trim().starts_with(['Z', 'X']))
    }

    /// Resident memory in MiB (`VmRSS`).
    pub fn resident_mib(pid: &str) -> Option<f64> {
        let status = status(pid)?;
        let kib: f64 =
            status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kib / 1024.0)
    }

    /// User plus system time, threads that have ended included (`stat` fields 14 and 15, in
    /// clock ticks, 1/100 s on Linux).
    pub fn cpu_time(pid: &str) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let Some(after_name) = stat.rfind(')').and_then(|end| stat.get(end + 2..)) else {
            return Duration::ZERO;
        };
        let fields: Vec<u64> = after_name.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
        Duration::from_millis(fields.iter().sum::<u64>() * 10)
    }

    /// The three load averages.
    pub fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg").map_or_else(
            |_| "unknown (no /proc/loadavg)".into(),
            |text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        )
    }
}

/// The portal in a process of its own, configured by environment variables only, and killed
/// when dropped (also when the benchmark panics).
mod portal_process {
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
            let child =
                command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", env!("CARGO_BIN_EXE_portal")));
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
}

/// A fixed number of workers, each sending one request after another until the time is up.
mod drive {
    use std::{
        collections::BTreeMap,
        sync::Arc,
        time::{Duration, Instant},
    };

    use reqwest::{Client, RequestBuilder};

    /// A stuck request counts as "timeout" instead of stalling the run.
    const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

    #[derive(Default)]
    pub struct Outcome {
        /// Requests answered 2xx, body read.
        pub ok: u64,
        /// Every other answer, by status or by kind of failure.
        pub others: BTreeMap<String, u64>,
        /// Of the successful requests, sorted.
        pub latencies: Vec<Duration>,
        pub elapsed: Duration,
    }

    impl Outcome {
        pub fn rate(&self) -> f64 {
            self.ok as f64 / self.elapsed.as_secs_f64()
        }

        /// Nearest-rank percentile of the successful requests' latencies.
        pub fn percentile(&self, p: f64) -> Option<Duration> {
            let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
            self.latencies.get(rank.max(1) - 1).copied()
        }

        /// "401 ×3, timeout ×1", or "none".
        pub fn others_text(&self) -> String {
            if self.others.is_empty() {
                return "none".into();
            }
            self.others.iter().map(|(what, n)| format!("{what} ×{n}")).collect::<Vec<_>>().join(", ")
        }

        fn merge(&mut self, other: Outcome) {
            self.ok += other.ok;
            for (what, n) in other.others {
                *self.others.entry(what).or_default() += n;
            }
            self.latencies.extend(other.latencies);
        }
    }

    /// A client that keeps one connection per worker and goes straight to the portal.
    pub fn client(workers: usize) -> Client {
        Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(workers)
            .connect_timeout(Duration::from_secs(5))
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap()
    }

    /// Runs `workers` workers for `length`; worker `i` sends `request(client, i)` again and
    /// again. Requests under way when the time is up are finished and counted.
    pub async fn run<F>(workers: usize, length: Duration, request: F) -> Outcome
    where
        F: Fn(&Client, usize) -> RequestBuilder + Send + Sync + 'static,
    {
        let client = client(workers);
        let request = Arc::new(request);
        let started = Instant::now();
        let deadline = started + length;
        let tasks: Vec<_> = (0..workers)
            .map(|worker| tokio::spawn(one_worker(client.clone(), worker, deadline, request.clone())))
            .collect();
        let mut outcome = Outcome::default();
        for task in tasks {
            outcome.merge(task.await.expect("a load worker panicked"));
        }
        outcome.elapsed = started.elapsed();
        outcome.latencies.sort();
        outcome
    }

    async fn one_worker<F>(client: Client, worker: usize, deadline: Instant, request: Arc<F>) -> Outcome
    where
        F: Fn(&Client, usize) -> RequestBuilder,
    {
        let mut outcome = Outcome::default();
        while Instant::now() < deadline {
            let started = Instant::now();
            let failure = match request(&client, worker).send().await {
                Ok(response) => {
                    let status = response.status();
                    match response.bytes().await {
                        Ok(_) if status.is_success() => None,
                        Ok(_) => Some(status.as_u16().to_string()),
                        Err(e) => Some(failure_kind(&e)),
                    }
                }
                Err(e) => Some(failure_kind(&e)),
            };
            match failure {
                None => {
                    outcome.ok += 1;
                    outcome.latencies.push(started.elapsed());
                }
                Some(what) => *outcome.others.entry(what).or_default() += 1,
            }
        }
        outcome
    }

    fn failure_kind(error: &reqwest::Error) -> String {
        let kind = if error.is_timeout() {
            "timeout"
        } else if error.is_connect() {
            "connect error"
        } else if error.is_body() || error.is_decode() {
            "body error"
        } else {
            "request error"
        };
        kind.into()
    }
}

/// What the login rate is compared with: argon2id verifications at the production cost, run as
/// the portal ran them before its hashing pool (behind a semaphore, on tokio's blocking pool, a
/// fresh `Argon2` and so a fresh memory block per verify), with no HTTP, database or session.
mod argon2_reference {
    use std::{
        sync::Arc,
        time::{Duration, Instant},
    };

    use app::backend::config::Argon2Settings;
    use argon2::{
        password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString},
        Algorithm, Argon2, Params, Version,
    };
    use tokio::sync::Semaphore;

    use super::{proc_info, support::PASSWORD, LOGIN_WORKERS};

    /// Verifies done, the time from the first start to the last answer, and the CPU time this
    /// process spent meanwhile (nearly all of it hashing: nothing else runs here then).
    pub struct Rate {
        verifies: u64,
        elapsed: Duration,
        cpu: Duration,
    }

    impl Rate {
        pub fn per_second(&self) -> f64 {
            self.verifies as f64 / self.elapsed.as_secs_f64()
        }

        pub fn per_cpu_second(&self) -> f64 {
            self.verifies as f64 / self.cpu.as_secs_f64()
        }
    }

    /// `threads` permits, asked for by as many tasks as there are login workers.
    pub async fn run(settings: Argon2Settings, threads: usize, length: Duration) -> Rate {
        let params = Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None).unwrap();
        let phc = tokio::task::spawn_blocking(move || {
            let salt = SaltString::encode_b64(b"load-bench-salt!").unwrap();
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            argon2.hash_password(PASSWORD.as_bytes(), &salt).unwrap().to_string()
        })
        .await
        .unwrap();
        let phc: Arc<str> = phc.into();
        let permits = Arc::new(Semaphore::new(threads));
        let (started, cpu) = (Instant::now(), proc_info::cpu_time("self"));
        let deadline = started + length;
        let tasks: Vec<_> = (0..LOGIN_WORKERS)
            .map(|_| {
                let (phc, permits) = (phc.clone(), permits.clone());
                tokio::spawn(async move {
                    let mut verified = 0u64;
                    while Instant::now() < deadline {
                        let _permit = permits.acquire().await.unwrap();
                        let phc = phc.clone();
                        tokio::task::spawn_blocking(move || verify(&phc)).await.unwrap();
                        verified += 1;
                    }
                    verified
                })
            })
            .collect();
        let mut verifies = 0;
        for task in tasks {
            verifies += task.await.unwrap();
        }
        let cpu = proc_info::cpu_time("self").saturating_sub(cpu);
        Rate { verifies, elapsed: started.elapsed(), cpu }
    }

    fn verify(phc: &str) {
        let parsed = PasswordHash::new(phc).unwrap();
        Argon2::default().verify_password(PASSWORD.as_bytes(), &parsed).expect("the reference hash verifies");
    }
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

/// The one table printed at the end: what was measured, the figure, p50/p99, notes.
mod table {
    use std::time::Duration;

    use super::{drive::Outcome, portal_process::PortalProcess, support::ms};

    #[derive(Default)]
    pub struct Table {
        rows: Vec<[String; 5]>,
    }

    impl Table {
        pub fn row(&mut self, what: &str, figure: String, latency: Option<(String, String)>, notes: String) {
            let (p50, p99) = latency.unwrap_or_default();
            self.rows.push([what.to_owned(), figure, p50, p99, notes]);
        }

        /// Successful requests per second with their p50/p99; in the notes, the rate per
        /// CPU-second of the portal and every answer that was not a success.
        pub fn rate(&mut self, what: &str, outcome: &Outcome, portal_cpu: Duration, notes: &str) {
            let latency = |p| outcome.percentile(p).map_or_else(|| "–".into(), |d| format!("{:.1} ms", ms(d)));
            let mut all_notes = format!(
                "{} ok in {:.1} s, {:.1} per portal CPU-s; other answers: {}",
                outcome.ok,
                outcome.elapsed.as_secs_f64(),
                outcome.ok as f64 / portal_cpu.as_secs_f64(),
                outcome.others_text()
            );
            if !notes.is_empty() {
                all_notes = format!("{notes}; {all_notes}");
            }
            self.row(what, format!("{:.1} /s", outcome.rate()), Some((latency(50.0), latency(99.0))), all_notes);
        }

        pub fn memory(&mut self, when: &str, portal: &PortalProcess, notes: &str) {
            let figure = portal.resident_mib().map_or_else(|| "unknown".into(), |mib| format!("{mib:.1} MiB"));
            self.row(&format!("resident memory {when}"), figure, None, notes.to_owned());
        }

        pub fn skipped(&mut self, what: &str, why: &str) {
            println!("· {what}: {why}");
            self.row(what, "–".into(), None, why.to_owned());
        }

        /// A Markdown table, so that it can be pasted into a note as it is.
        pub fn print(&self) {
            let header = ["what", "result", "p50", "p99", "notes"].map(String::from);
            let mut widths = [0; 5];
            for row in std::iter::once(&header).chain(&self.rows) {
                for (width, cell) in widths.iter_mut().zip(row) {
                    *width = (*width).max(cell.chars().count());
                }
            }
            let line = |row: &[String; 5]| {
                let cells: Vec<String> =
                    row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
                println!("| {} |", cells.join(" | "));
            };
            line(&header);
            line(&widths.map(|width| "-".repeat(width)));
            for row in &self.rows {
                line(row);
            }
        }
    }
}
