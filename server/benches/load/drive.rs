//! A fixed number of workers, each sending one request after another until the time is up.

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
