//! Password verifies per second at the production argon2 cost on two threads, two ways, in one
//! run: `cargo bench -p app --features ssr --bench hashing`.
//!
//! A: what the portal did before, a fresh `Argon2` (and so a fresh memory block) per verify on
//!    tokio's blocking pool, two at a time behind a semaphore.
//! B: the portal's hashing pool, two threads each reusing one memory block.
//!
//! The two take turns (A, B, A, B, …) so that both see the same machine; the goal in issue 10 is
//! B ≥ 1.05 × A. Resident memory is printed after each phase; it never shrinks within one
//! process, so read it as what a phase added: the pool warms up first, to show its own figure.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark stops at a broken setup")]

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use app::{
    backend::{
        config::Config, secrets::password_hasher::PasswordHash, secrets::password_hasher::PasswordHasher,
        secrets::password_hasher::Verification,
    },
    domain::Password,
};
use argon2::{
    password_hash::{PasswordHash as Phc, PasswordVerifier as _},
    Argon2,
};
use tokio::sync::Semaphore;

const CONCURRENCY: usize = 2;
/// Verifies asked for at once, as in the c16 login benchmark: both ways always have a queue.
const CALLERS: usize = 16;
const ROUNDS: usize = 5;
const PHASE: Duration = Duration::from_secs(4);
const WARM_UP: Duration = Duration::from_secs(1);
const PASSWORD: &str = "Tq7#vLm2@pXz9!kR";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(CONCURRENCY).enable_all().build().unwrap();
    runtime.block_on(compare());
}

async fn compare() {
    let settings = Config::for_database("sqlite://unused").expect("the default configuration").argon2;
    println!(
        "argon2id m={} KiB t={} p={} (production defaults), {CONCURRENCY} threads, {CALLERS} callers, \
         {ROUNDS} rounds of {} s per side",
        settings.memory_kib,
        settings.iterations,
        settings.parallelism,
        PHASE.as_secs()
    );
    println!("load average before: {}", load_average());
    println!("VmRSS at start: {}", resident_memory());
    let pool = PasswordHasher::new(settings, CONCURRENCY, Duration::from_secs(60)).unwrap();
    let password = Password::parse(PASSWORD).unwrap();
    let stored = pool.hash(&password).await.unwrap();
    println!("VmRSS with the pool started: {} ({})", resident_memory(), huge_pages());
    let old_way = Arc::new(Semaphore::new(CONCURRENCY));

    let b = pool_loop(&pool, &stored, WARM_UP).await;
    println!("warm-up      B pool            {b}   VmRSS {}", resident_memory());
    let a = spawn_blocking_loop(&old_way, &stored, WARM_UP).await;
    println!("warm-up      A spawn_blocking  {a}   VmRSS {}", resident_memory());

    let (mut total_a, mut total_b) = (Rate::default(), Rate::default());
    for round in 1..=ROUNDS {
        let a = spawn_blocking_loop(&old_way, &stored, PHASE).await;
        println!("round {round}  A spawn_blocking  {a}   VmRSS {}", resident_memory());
        let b = pool_loop(&pool, &stored, PHASE).await;
        println!(
            "round {round}  B pool            {b}   VmRSS {}   B/A {:.3}",
            resident_memory(),
            b.per_second() / a.per_second()
        );
        total_a.add(a);
        total_b.add(b);
    }
    println!("all rounds   A spawn_blocking  {total_a}");
    println!("all rounds   B pool            {total_b}");
    println!(
        "B/A = {:.3} in verifies/s (goal ≥ 1.05), {:.3} in verifies per CPU-second",
        total_b.per_second() / total_a.per_second(),
        total_b.per_cpu_second() / total_a.per_cpu_second()
    );
    println!("load average after: {}", load_average());
}

/// Verifies done, the time they took from the first start to the last answer, and the CPU time
/// the whole process spent meanwhile (which, unlike the rate, does not depend on how much of the
/// machine other programs left us).
#[derive(Default, Clone, Copy)]
struct Rate {
    verifies: u64,
    elapsed: Duration,
    cpu: Duration,
}

impl Rate {
    fn per_second(self) -> f64 {
        self.verifies as f64 / self.elapsed.as_secs_f64()
    }

    fn per_cpu_second(self) -> f64 {
        self.verifies as f64 / self.cpu.as_secs_f64()
    }

    fn add(&mut self, other: Rate) {
        self.verifies += other.verifies;
        self.elapsed += other.elapsed;
        self.cpu += other.cpu;
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>6.1} verifies/s ({:>4} in {:>5.2} s, {:>5.2} CPU-s: {:>5.1} per CPU-s)",
            self.per_second(),
            self.verifies,
            self.elapsed.as_secs_f64(),
            self.cpu.as_secs_f64(),
            self.per_cpu_second()
        )
    }
}

/// A: as the portal did before the pool.
async fn spawn_blocking_loop(permits: &Arc<Semaphore>, stored: &PasswordHash, phase: Duration) -> Rate {
    let (permits, phc): (_, Arc<str>) = (Arc::clone(permits), stored.as_phc().into());
    callers(phase, move || {
        let (permits, phc) = (Arc::clone(&permits), Arc::clone(&phc));
        async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let password = Password::parse(PASSWORD).unwrap();
            tokio::task::spawn_blocking(move || {
                let parsed = Phc::new(&phc).unwrap();
                Argon2::default().verify_password(password.expose().as_bytes(), &parsed).is_ok()
            })
            .await
            .unwrap()
        }
    })
    .await
}

/// B: the portal's pool.
async fn pool_loop(pool: &PasswordHasher, stored: &PasswordHash, phase: Duration) -> Rate {
    let (pool, stored) = (pool.clone(), stored.clone());
    callers(phase, move || {
        let (pool, stored) = (pool.clone(), stored.clone());
        async move {
            let password = Password::parse(PASSWORD).unwrap();
            pool.verify(&password, Some(&stored)).await.unwrap() == Verification::Match { needs_rehash: false }
        }
    })
    .await
}

/// `CALLERS` tasks each verifying again and again until `phase` is over; every verify must
/// succeed. The time runs until the last answer, so work begun before the end counts in full.
async fn callers<F>(phase: Duration, verify: impl Fn() -> F + Send + Sync + 'static) -> Rate
where
    F: Future<Output = bool> + Send + 'static,
{
    let (start, cpu_before) = (Instant::now(), cpu_time());
    let deadline = start + phase;
    let verify = Arc::new(verify);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLERS {
        let verify = Arc::clone(&verify);
        tasks.spawn(async move {
            let mut verifies = 0;
            while Instant::now() < deadline {
                assert!(verify().await, "the right password verifies");
                verifies += 1;
            }
            verifies
        });
    }
    let mut verifies = 0;
    while let Some(caller) = tasks.join_next().await {
        verifies += caller.unwrap();
    }
    Rate { verifies, elapsed: start.elapsed(), cpu: cpu_time().saturating_sub(cpu_before) }
}

fn resident_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: Option<u64> = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok());
    kib.map_or_else(|| "unknown".to_owned(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0))
}

/// User and system time of the whole process, threads that have ended included
/// (`/proc/self/stat` fields 14 and 15, in clock ticks of 1/100 s on Linux).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux's /proc/self/stat");
    let after_name = &stat[stat.rfind(')').expect("the command name ends with ')'") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// How much of the process's memory sits in transparent huge pages.
fn huge_pages() -> String {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    rollup.lines().find(|line| line.starts_with("AnonHugePages:")).map_or_else(
        || "AnonHugePages unknown".to_owned(),
        |line| line.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(|_| "unknown".to_owned(), |s| s.trim().to_owned())
}
