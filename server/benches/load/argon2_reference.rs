//! What the login rate is compared with: argon2id verifications at the production cost, run as
//! the portal ran them before its hashing pool (behind a semaphore, on tokio's blocking pool, a
//! fresh `Argon2` and so a fresh memory block per verify), with no HTTP, database or session.

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
