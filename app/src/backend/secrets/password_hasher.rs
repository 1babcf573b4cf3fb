//! argon2id hashing off the async runtime, with a bound on the hashes in flight.
//!
//! Each hash takes `memory_kib` of memory and a core for tens of milliseconds, so they run on a
//! fixed pool of threads ([`pool`]), one per hash allowed at once, each reusing its own argon2
//! memory. A request that finds no free thread within the queue timeout gets [`HashError::Busy`]
//! (503) instead of piling up memory.
//!
//! The stored format is the PHC string the `argon2` crate writes and reads
//! (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so hashes made here and by the plain API verify
//! in either.

mod pool;

use std::{sync::Arc, time::Duration};

use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash as Phc, Salt, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};

pub use self::pool::HashMetrics;
use self::pool::Pool;
use crate::backend::config::Argon2Settings;
use crate::domain::Password;

#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    pool: Pool,
    /// A hash of a random password, verified against when the account does not exist so that
    /// both paths cost the same.
    dummy_hash: PasswordHash,
}

/// A stored password hash: the PHC string (`$argon2id$v=19$m=…`). Not a secret in the sense a
/// password is, but an offline guessing target, so it never prints itself and is not `Serialize`.
#[derive(Clone, PartialEq, Eq, sqlx::Type)]
#[sqlx(transparent)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(********)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing is saturated")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    /// The password matches; `needs_rehash` when the stored hash uses other parameters.
    Match {
        needs_rehash: bool,
    },
    Mismatch,
}

impl PasswordHasher {
    /// Starts `concurrency` hashing threads, each holding the memory of one hash at `settings`.
    pub fn new(settings: Argon2Settings, concurrency: usize, queue_timeout: Duration) -> Result<Self, HashError> {
        let params =
            Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None).map_err(failed)?;
        let pool = Pool::start(concurrency, params.block_count(), queue_timeout)?;
        let mut random = [0u8; 32];
        rand::TryRng::try_fill_bytes(&mut rand::rngs::SysRng, &mut random).map_err(failed)?;
        let dummy = Password::parse(&base64::Engine::encode(&base64::engine::general_purpose::STANDARD, random))
            .map_err(failed)?;
        let dummy_params = params.clone();
        let dummy_hash = pool.run_now(move |memory| hash_with(memory, &dummy_params, &dummy))??;
        Ok(Self { inner: Arc::new(Inner { params, pool, dummy_hash }) })
    }

    /// The PHC string (`$argon2id$v=19$m=…`) for a new password.
    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let params = self.inner.params.clone();
        let password = password.clone();
        self.inner.pool.run(move |memory| hash_with(memory, &params, &password)).await?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no account,
    /// which always yields [`Verification::Mismatch`] after the same amount of work.
    pub async fn verify(&self, password: &Password, stored: Option<&PasswordHash>) -> Result<Verification, HashError> {
        let known = stored.is_some();
        let phc = stored.unwrap_or(&self.inner.dummy_hash).clone();
        let params = self.inner.params.clone();
        let password = password.clone();
        let result = self.inner.pool.run(move |memory| verify_with(memory, &params, &password, &phc)).await??;
        Ok(if known { result } else { Verification::Mismatch })
    }

    /// What the hashing pool measures (for `/metrics`).
    pub fn metrics(&self) -> &HashMetrics {
        &self.inner.pool.metrics
    }

    /// Hashes admitted and not yet done.
    pub fn in_flight(&self) -> usize {
        self.inner.pool.in_flight()
    }

    /// Runs other CPU-heavy password work (strength checks) under the same bound, on the same
    /// threads.
    pub async fn bounded<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        self.inner.pool.run(move |_memory| work()).await
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn failed(e: impl std::fmt::Display) -> HashError {
    HashError::Failed(e.to_string())
}

/// What `Argon2::hash_password` does, in the worker's memory.
fn hash_with(memory: &mut [Block], params: &Params, password: &Password) -> Result<PasswordHash, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(failed)?;
    let argon2 = argon2(params);
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(output_len, |out| Ok(compute(&argon2, password, salt_bytes, out, memory)?))
        .map_err(failed)?;
    let phc = Phc {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(PasswordHash(phc.to_string()))
}

/// What `Argon2::verify_password` does, in the worker's memory: the parameters, salt and
/// output length are those recorded in the stored hash.
fn verify_with(
    memory: &mut [Block],
    params: &Params,
    password: &Password,
    stored: &PasswordHash,
) -> Result<Verification, HashError> {
    let parsed = Phc::new(stored.as_phc()).map_err(|e| HashError::Failed(format!("stored hash unreadable: {e}")))?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Ok(Verification::Mismatch); // As the plain API: a hash without them matches nothing.
    };
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(failed)?;
    let version = parsed.version.map(Version::try_from).transpose().map_err(failed)?.unwrap_or_default();
    let argon2 = Argon2::new(algorithm, version, Params::try_from(&parsed).map_err(failed)?);
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(failed)?;
    let computed = Output::init_with(expected.len(), |out| Ok(compute(&argon2, password, salt_bytes, out, memory)?))
        .map_err(failed)?;
    // `Output`'s equality is constant-time.
    Ok(if computed == *expected {
        Verification::Match { needs_rehash: !uses_params(&parsed, params) }
    } else {
        Verification::Mismatch
    })
}

/// Fills `out` with the hash of `password`, in the worker's memory when it is large enough.
///
/// A stored hash made with more memory than the pool's (the cost was lowered since) gets a
/// temporary buffer rather than a bigger permanent one: the pool's memory stays at what the
/// configuration says, and the login that verifies such a hash rehashes it at today's cost, so
/// these hashes die out.
fn compute(
    argon2: &Argon2<'_>,
    password: &Password,
    salt: &[u8],
    out: &mut [u8],
    memory: &mut [Block],
) -> argon2::Result<()> {
    let password = password.expose().as_bytes();
    match memory.get_mut(..argon2.params().block_count()) {
        Some(blocks) => argon2.hash_password_into_with_memory(password, salt, out, blocks),
        None => argon2.hash_password_into(password, salt, out),
    }
}

fn uses_params(hash: &Phc<'_>, params: &Params) -> bool {
    let Ok(stored) = Params::try_from(hash) else {
        return false;
    };
    hash.algorithm == Algorithm::Argon2id.ident()
        && hash.version == Some(Version::V0x13.into())
        && stored.m_cost() == params.m_cost()
        && stored.t_cost() == params.t_cost()
        && stored.p_cost() == params.p_cost()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher(memory_kib: u32) -> PasswordHasher {
        let settings = Argon2Settings { memory_kib, iterations: 1, parallelism: 1 };
        PasswordHasher::new(settings, 2, Duration::from_secs(5)).unwrap()
    }

    /// A hasher at 1 MiB with `threads` hashing threads and this queue timeout.
    fn pool(threads: usize, queue_timeout: Duration) -> PasswordHasher {
        let settings = Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 };
        PasswordHasher::new(settings, threads, queue_timeout).unwrap()
    }

    /// `password` matches `hash`, which uses the hasher's own parameters.
    async fn assert_matches(hasher: &PasswordHasher, password: &str, hash: &PasswordHash) {
        assert_eq!(
            hasher.verify(&pw(password), Some(hash)).await.unwrap(),
            Verification::Match { needs_rehash: false }
        );
    }

    fn pw(s: &str) -> Password {
        Password::parse(s).unwrap()
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = hasher(1024);
        let hash = hasher.hash(&pw("correct horse")).await.unwrap();
        assert!(hash.as_phc().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert_eq!(format!("{hash:?}"), "PasswordHash(********)");
        assert_matches(&hasher, "correct horse", &hash).await;
        assert_eq!(hasher.verify(&pw("wrong horse"), Some(&hash)).await.unwrap(), Verification::Mismatch);
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        let hasher = hasher(1024);
        assert_eq!(hasher.verify(&pw("anything"), None).await.unwrap(), Verification::Mismatch);
    }

    #[tokio::test]
    async fn a_hash_with_old_parameters_asks_to_be_rehashed() {
        let old = hasher(1024).hash(&pw("correct horse")).await.unwrap();
        let verdict = hasher(2048).verify(&pw("correct horse"), Some(&old)).await.unwrap();
        assert_eq!(verdict, Verification::Match { needs_rehash: true });
    }

    #[tokio::test]
    async fn a_saturated_hasher_answers_busy_instead_of_queueing_forever() {
        let hasher = pool(1, Duration::from_millis(0));
        let _held = hasher.inner.pool.permits.acquire().await.unwrap();
        assert!(matches!(hasher.hash(&pw("x")).await, Err(HashError::Busy)));
    }

    /// A hash made by the plain `argon2` API, as stored hashes from before the pool were.
    fn plain_hash(password: &str, memory_kib: u32) -> PasswordHash {
        use argon2::password_hash::PasswordHasher as _;
        let params = Params::new(memory_kib, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        PasswordHash(argon2(&params).hash_password(password.as_bytes(), &salt).unwrap().to_string())
    }

    fn plain_verify(password: &str, hash: &PasswordHash) -> bool {
        use argon2::password_hash::PasswordVerifier as _;
        Argon2::default().verify_password(password.as_bytes(), &Phc::new(hash.as_phc()).unwrap()).is_ok()
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_real_one_costs() {
        let hasher = hasher(1024);
        let dummy = Phc::new(hasher.inner.dummy_hash.as_phc()).unwrap();
        assert!(uses_params(&dummy, &hasher.inner.params));
    }

    #[tokio::test]
    async fn a_pool_whose_workers_are_all_busy_answers_busy_after_its_queue_timeout_and_recovers() {
        let hasher = pool(2, Duration::from_millis(50));
        // Two long jobs, one per worker, each running until the test lets it finish.
        let (started, mut running) = tokio::sync::mpsc::unbounded_channel();
        let mut finish = Vec::new();
        let mut long_jobs = Vec::new();
        for _ in 0..2 {
            let (release, released) = std::sync::mpsc::channel::<()>();
            let (hasher, started) = (hasher.clone(), started.clone());
            long_jobs.push(tokio::spawn(async move {
                hasher
                    .bounded(move || {
                        started.send(()).unwrap();
                        released.recv().ok()
                    })
                    .await
            }));
            finish.push(release);
        }
        for _ in 0..2 {
            running.recv().await.expect("both workers are inside a long job");
        }

        assert!(matches!(hasher.hash(&pw("correct horse")).await, Err(HashError::Busy)));
        assert!(matches!(hasher.verify(&pw("correct horse"), None).await, Err(HashError::Busy)));

        drop(finish);
        for job in long_jobs {
            job.await.unwrap().expect("a long job is answered once it ends");
        }
        let hash = hasher.hash(&pw("correct horse")).await.expect("the pool takes work again");
        assert_matches(&hasher, "correct horse", &hash).await;
    }

    #[tokio::test]
    async fn a_hash_from_the_pool_verifies_with_the_plain_argon2_api_and_the_other_way_round() {
        let hasher = hasher(1024);
        let ours = hasher.hash(&pw("correct horse")).await.unwrap();
        assert!(plain_verify("correct horse", &ours));
        assert!(!plain_verify("wrong horse", &ours));

        let theirs = plain_hash("correct horse", 1024);
        assert_matches(&hasher, "correct horse", &theirs).await;
        assert_eq!(hasher.verify(&pw("wrong horse"), Some(&theirs)).await.unwrap(), Verification::Mismatch);
    }

    #[tokio::test]
    async fn hashes_with_less_or_more_memory_than_the_pool_holds_verify_and_ask_to_be_rehashed() {
        let hasher = hasher(1024);
        for memory_kib in [512, 4096] {
            let stored = plain_hash("correct horse", memory_kib);
            assert_eq!(
                hasher.verify(&pw("correct horse"), Some(&stored)).await.unwrap(),
                Verification::Match { needs_rehash: true },
                "m={memory_kib}"
            );
            assert_eq!(
                hasher.verify(&pw("wrong horse"), Some(&stored)).await.unwrap(),
                Verification::Mismatch,
                "m={memory_kib}"
            );
        }
    }

    #[tokio::test]
    async fn many_logins_at_once_on_two_workers_each_get_their_own_answer() {
        let hasher = pool(2, Duration::from_secs(60));
        let accounts: Vec<(String, PasswordHash)> = {
            let mut accounts = Vec::new();
            for n in 0..4 {
                let password = format!("password number {n}");
                let hash = hasher.hash(&pw(&password)).await.unwrap();
                accounts.push((password, hash));
            }
            accounts
        };
        let mut logins = tokio::task::JoinSet::new();
        for round in 0..12 {
            for (n, (password, hash)) in accounts.iter().enumerate() {
                // Every account is tried with its own password, a neighbour's, and as unknown.
                let (typed, stored, expected) = match round % 3 {
                    0 => (password.clone(), Some(hash.clone()), Verification::Match { needs_rehash: false }),
                    1 => (accounts[(n + 1) % accounts.len()].0.clone(), Some(hash.clone()), Verification::Mismatch),
                    _ => (password.clone(), None, Verification::Mismatch),
                };
                let hasher = hasher.clone();
                logins.spawn(async move { (hasher.verify(&pw(&typed), stored.as_ref()).await.unwrap(), expected) });
            }
        }
        let mut answered = 0;
        while let Some(login) = logins.join_next().await {
            let (verdict, expected) = login.unwrap();
            assert_eq!(verdict, expected);
            answered += 1;
        }
        assert_eq!(answered, 48);
    }

    #[tokio::test]
    async fn a_job_that_panics_fails_alone_and_the_worker_keeps_working() {
        let hasher = pool(1, Duration::from_secs(5));
        let broken = hasher.bounded(|| -> u32 { panic!("a bug in a strength check") }).await;
        assert!(matches!(broken, Err(HashError::Failed(_))));
        let hash = hasher.hash(&pw("correct horse")).await.expect("the only worker is still there");
        assert_matches(&hasher, "correct horse", &hash).await;
    }
}
