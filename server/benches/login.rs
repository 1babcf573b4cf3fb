//! How long a login takes, and whether the answer's timing tells an unknown email address from
//! a wrong password. Runs the real server with the production argon2 settings, on a SQLite file
//! and then on PostgreSQL (`PORTAL_TEST_POSTGRES_URL`, the local server by default).
//!
//!     cargo bench -p portal --bench login
//!
//! Prints figures; asserts nothing (timing belongs in benchmarks, not tests).
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark stops at a broken setup")]

mod support;

use std::time::Instant;

use support::{ms, post, report, spawn_portal_on, BenchDb, EMAIL, PASSWORD};

const ROUNDS: usize = 60;

#[tokio::main]
async fn main() {
    for db in [BenchDb::Sqlite, BenchDb::Postgres] {
        println!("== {db:?}");
        bench_on(db).await;
    }
}

async fn bench_on(db: BenchDb) {
    // Every request comes from 127.0.0.1: lift the per-address login budget.
    let bench = spawn_portal_on(db, |config| config.login_attempts_per_address = 100_000).await;
    let argon2 = bench.config.argon2;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = format!("http://{}/api/login", bench.addr);

    println!(
        "argon2id m={} KiB t={} p={}; {ROUNDS} rounds each, interleaved, one at a time",
        argon2.memory_kib, argon2.iterations, argon2.parallelism
    );
    let cases = [
        ("unknown email", "nobody@example.com", PASSWORD),
        ("wrong password", EMAIL, "Wrong-Password-123!"),
        ("right password", EMAIL, PASSWORD),
    ];
    post(&client, &url, &[("email", EMAIL), ("password", PASSWORD)]).await; // warm-up
    let mut samples = vec![Vec::new(); cases.len()];
    for _ in 0..ROUNDS {
        for (i, (_, email, password)) in cases.iter().enumerate() {
            let (elapsed, status, _) = post(&client, &url, &[("email", email), ("password", password)]).await;
            assert!(status == 200 || status == 401, "unexpected status {status}");
            samples[i].push(elapsed);
        }
    }
    let medians: Vec<_> = cases.iter().zip(samples.iter_mut()).map(|((name, ..), times)| report(name, times)).collect();
    let diff = ms(medians[0]) - ms(medians[1]);
    println!("unknown email − wrong password (medians): {diff:+.2} ms ({:+.1} %)", 100.0 * diff / ms(medians[1]));

    // Many clients at once: bounded by the hashing permits, never by memory.
    let started = Instant::now();
    let burst = 32;
    let wrong = [("email", EMAIL), ("password", "Wrong-Password-123!")];
    let results = futures_util::future::join_all((0..burst).map(|_| post(&client, &url, &wrong))).await;
    let busy = results.iter().filter(|(_, s, _)| *s == 503).count();
    println!(
        "burst of {burst} concurrent wrong-password logins: {:.0} ms in all, {:.1} logins/s, {busy} answered 503",
        ms(started.elapsed()),
        burst as f64 / started.elapsed().as_secs_f64()
    );
}
