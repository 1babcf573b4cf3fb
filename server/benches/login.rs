//! How long a login takes, and whether the answer's timing tells an unknown email address from
//! a wrong password. Runs the real server on a SQLite file with the production argon2 settings.
//!
//!     cargo bench -p server --bench login
//!
//! Prints figures; asserts nothing (timing belongs in benchmarks, not tests).

use std::time::{Duration, Instant};

use app::{
    backend::{clock::Clock, config::Config, password_hasher::PasswordHasher, store::Store},
    domain::{Email, Password},
};

const ROUNDS: usize = 60;
const PASSWORD: &str = "Correct-Horse-Battery-9!";

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::for_database("sqlite://unused").unwrap();
    config.public_url = format!("http://{addr}").parse().unwrap();
    let argon2 = config.argon2;
    let hasher = PasswordHasher::new(argon2, 1, Duration::from_secs(5)).unwrap();
    let hash = hasher.hash(&Password::parse(PASSWORD).unwrap()).await.unwrap();
    let email = Email::parse("alice@example.com").unwrap();
    store.insert_user(email.as_str(), &email.key(), &hash, 0).await.unwrap();
    let state = portal::startup::build_state_with_store(config, store, Clock::system()).unwrap();
    portal::serve(listener, state, std::future::pending()).await.unwrap();

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = format!("http://{addr}/api/login");
    let login = |email: &'static str, password: &'static str| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let started = Instant::now();
            let status =
                client.post(&url).form(&[("email", email), ("password", password)]).send().await.unwrap().status();
            (started.elapsed(), status.as_u16())
        }
    };

    println!(
        "argon2id m={} KiB t={} p={}; {ROUNDS} rounds each, interleaved, one at a time",
        argon2.memory_kib, argon2.iterations, argon2.parallelism
    );
    let cases: [(&str, &'static str, &'static str); 3] = [
        ("unknown email", "nobody@example.com", PASSWORD),
        ("wrong password", "alice@example.com", "Wrong-Password-123!"),
        ("right password", "alice@example.com", PASSWORD),
    ];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    login("alice@example.com", PASSWORD).await; // warm-up
    for _ in 0..ROUNDS {
        for (i, (_, email, password)) in cases.iter().enumerate() {
            let (elapsed, status) = login(email, password).await;
            assert!(status == 200 || status == 401, "unexpected status {status}");
            samples[i].push(elapsed);
        }
    }
    let mut medians = Vec::new();
    for ((name, _, _), times) in cases.iter().zip(samples.iter_mut()) {
        times.sort();
        let median = times[times.len() / 2];
        let p95 = times[times.len() * 95 / 100];
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        println!("{name:>15}: median {:>7.2} ms  mean {:>7.2} ms  p95 {:>7.2} ms", ms(median), ms(mean), ms(p95));
        medians.push(median);
    }
    let diff = ms(medians[0]) - ms(medians[1]);
    println!("unknown email − wrong password (medians): {diff:+.2} ms ({:+.1} %)", 100.0 * diff / ms(medians[1]));

    // Throughput with many clients at once: bounded by the hashing permits, never by memory.
    let started = Instant::now();
    let burst = 32;
    let results =
        futures_util::future::join_all((0..burst).map(|_| login("alice@example.com", "Wrong-Password-123!"))).await;
    let busy = results.iter().filter(|(_, s)| *s == 503).count();
    println!(
        "burst of {burst} concurrent wrong-password logins: {:.0} ms in all, {:.1} logins/s, {busy} answered 503",
        ms(started.elapsed()),
        burst as f64 / started.elapsed().as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
