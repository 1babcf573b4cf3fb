//! The parts of the benchmark that `main` runs in order: each drives the portal for a while and
//! adds its rows to the table.

use std::time::{Duration, Instant};

use reqwest::{header, Client, Url};

// The module only (`{self}`): the function of that name below adds the reference's row.
use super::argon2_reference::{self};
use super::{
    drive, drive::Outcome, portal_process::PortalProcess, support::PASSWORD, table::Table, BUNDLE_WORKERS,
    FORGOT_WORKERS, LOGIN_WORKERS,
};

/// The longest wait for the portal to finish the Forgot? work it answered before doing.
const DRAIN_WITHIN: Duration = Duration::from_secs(300);
/// A backlog that has not shrunk for this long is reported as it stands.
const DRAIN_STALLED_AFTER: Duration = Duration::from_secs(15);

/// Two login runs, `length` and twice that, with the memory after each. Returns the successful
/// logins per second and per CPU-second of the portal over both runs.
pub async fn login_runs(portal: &PortalProcess, emails: &[String], length: Duration, table: &mut Table) -> (f64, f64) {
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

pub async fn argon2_reference(
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

pub fn compare_with_reference(
    login: f64,
    login_per_cpu: f64,
    references: &[argon2_reference::Rate],
    table: &mut Table,
) {
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
pub async fn forgot_rows(portal: &PortalProcess, emails: &[String], length: Duration, table: &mut Table) {
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
pub async fn flood_row(portal: &PortalProcess, emails: &[String], length: Duration, alone: f64, table: &mut Table) {
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
pub async fn bundle_row(
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
pub async fn measured(
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
