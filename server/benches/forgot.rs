//! Does the "Forgot?" answer's timing tell an existing address from an unknown one? Runs the
//! real server on a SQLite file; prints figures, asserts nothing.
//!
//!     cargo bench -p portal --bench forgot

use std::time::{Duration, Instant};

use app::{
    backend::{clock::Clock, config::Config, password_hasher::PasswordHasher, store::Store},
    domain::{Email, Password},
};

const ROUNDS: usize = 200;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::for_database("sqlite://unused").unwrap();
    config.public_url = format!("http://{addr}").parse().unwrap();
    config.mail_transport = app::backend::config::MailTransport::Files(dir.path().join("mail"));
    // The limits change no answer; raised so that every round does the full work.
    config.reset_limit_per_account = 1_000_000;
    config.reset_limit_per_address = 1_000_000;
    let hasher = PasswordHasher::new(config.argon2, 1, Duration::from_secs(5)).unwrap();
    let hash = hasher.hash(&Password::parse("Tq7#vLm2@pXz9!kR").unwrap()).await.unwrap();
    let email = Email::parse("alice@example.com").unwrap();
    store.insert_user(email.as_str(), &email.key(), &hash, 0).await.unwrap();
    let state = portal::startup::build_state_with_store(config, store, Clock::system()).unwrap();
    portal::serve(listener, state, std::future::pending()).await.unwrap();

    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/request_password_reset");
    let ask = |email: &'static str| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let started = Instant::now();
            let response = client.post(&url).form(&[("email", email)]).send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.bytes().await.unwrap();
            (started.elapsed(), status, body)
        }
    };
    ask("alice@example.com").await; // warm-up

    let cases = [("existing address", "alice@example.com"), ("unknown address", "nobody@example.com")];
    let mut samples = vec![Vec::new(); cases.len()];
    let mut bodies = Vec::new();
    for _ in 0..ROUNDS {
        for (i, (_, email)) in cases.iter().enumerate() {
            let (elapsed, status, body) = ask(email).await;
            bodies.push((status, body));
            samples[i].push(elapsed);
        }
    }
    println!("{ROUNDS} requests each, interleaved, one at a time");
    let mut medians = Vec::new();
    for ((name, _), times) in cases.iter().zip(samples.iter_mut()) {
        times.sort();
        let median = times[times.len() / 2];
        let p95 = times[times.len() * 95 / 100];
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        println!("{name:>17}: median {:>6.3} ms  mean {:>6.3} ms  p95 {:>6.3} ms", ms(median), ms(mean), ms(p95));
        medians.push(median);
    }
    println!("existing − unknown (medians): {:+.3} ms", ms(medians[0]) - ms(medians[1]));
    println!("distinct (status, body) answers: {}", {
        bodies.sort();
        bodies.dedup();
        bodies.len()
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
