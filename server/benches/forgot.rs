//! Does the "Forgot?" answer's timing tell an existing address from an unknown one? Runs the
//! real server on a SQLite file; prints figures, asserts nothing.
//!
//!     cargo bench -p portal --bench forgot
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark stops at a broken setup")]

mod support;

use support::{ms, post, report, spawn_portal, EMAIL};

const ROUNDS: usize = 200;

#[tokio::main]
async fn main() {
    let bench = spawn_portal(|config| {
        // The limits change no answer; raised so that every round does the full work.
        config.reset_limit_per_account = 1_000_000;
        config.reset_limit_per_address = 1_000_000;
    })
    .await;
    let client = reqwest::Client::new();
    let url = format!("http://{}/api/request_password_reset", bench.addr);
    post(&client, &url, &[("email", EMAIL)]).await; // warm-up

    let cases = [("existing address", EMAIL), ("unknown address", "nobody@example.com")];
    let mut samples = vec![Vec::new(); cases.len()];
    let mut answers = Vec::new();
    for _ in 0..ROUNDS {
        for (i, (_, email)) in cases.iter().enumerate() {
            let (elapsed, status, body) = post(&client, &url, &[("email", email)]).await;
            answers.push((status, body));
            samples[i].push(elapsed);
        }
    }
    println!("{ROUNDS} requests each, interleaved, one at a time");
    let medians: Vec<_> = cases.iter().zip(samples.iter_mut()).map(|((name, _), times)| report(name, times)).collect();
    println!("existing − unknown (medians): {:+.3} ms", ms(medians[0]) - ms(medians[1]));
    answers.sort();
    answers.dedup();
    println!("distinct (status, body) answers: {}", answers.len());
}
