//! How long the strength check and the generator take, natively and optimised:
//! `cargo bench -p app --features ssr --bench password_policy`.
//!
//! Inputs are random printable ASCII (every class, symbols included), fresh for each run, so
//! the figures are for the passwords a password manager would paste.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark stops at a broken setup")]

use std::time::{Duration, Instant};

use app::password_generator::{generate, GeneratorOptions};
use app::password_policy::{assess, PasswordPolicy};
use rand::{rand_core::UnwrapErr, rngs::SysRng, seq::IndexedRandom};

const RUNS: usize = 200;

fn main() {
    let policy = PasswordPolicy::default();
    let printable: Vec<char> = ('!'..='~').collect();
    let mut rng = UnwrapErr(SysRng);

    println!("{:<28} {:>10} {:>10} {:>10}", "operation", "median", "p95", "max");
    for length in [12, 32, 64, 128] {
        let times = time_runs(|| {
            let password: String = (0..length).map(|_| *printable.choose(&mut rng).expect("not empty")).collect();
            let start = Instant::now();
            std::hint::black_box(assess(&password, &policy, &[]));
            start.elapsed()
        });
        report(&format!("assess, {length} chars"), times);
    }
    let times = time_runs(|| {
        let start = Instant::now();
        std::hint::black_box(generate(GeneratorOptions::default(), &policy));
        start.elapsed()
    });
    report("generate, 16 chars", times);

    // How often chance alone puts a dictionary word into random characters, which is how often
    // the generator draws again.
    println!();
    const DRAWS: usize = 2_000;
    for length in [16, 32, 64] {
        let refused = (0..DRAWS)
            .filter(|_| {
                let password: String = (0..length).map(|_| *printable.choose(&mut rng).expect("not empty")).collect();
                !assess(&password, &policy, &[]).dictionary_words.is_empty()
            })
            .count();
        println!("random {length:>2} chars holding a word: {refused} in {DRAWS}");
    }
}

fn time_runs(mut run: impl FnMut() -> Duration) -> Vec<Duration> {
    run(); // Builds zxcvbn's dictionaries, once per process.
    let mut times: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    times.sort_unstable();
    times
}

fn report(name: &str, times: Vec<Duration>) {
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("{name:<28} {:>10.3?} {:>10.3?} {:>10.3?}", at(0.5), at(0.95), at(1.0));
}
