//! argon2id hashing off the async runtime, with a bound on the hashes in flight.
//!
//! Each hash takes `memory_kib` of memory and a core for tens of milliseconds, so they run on
//! tokio's blocking pool behind a semaphore. A request that cannot get a permit within the
//! queue timeout gets [`HashError::Busy`] (503) instead of piling up memory.

use std::{sync::Arc, time::Duration};

use argon2::{
    password_hash::{PasswordHash as Phc, PasswordHasher as _, PasswordVerifier as _, SaltString},
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;

use super::config::Argon2Settings;
use crate::domain::Password;

#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    permits: Semaphore,
    queue_timeout: Duration,
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
    pub fn new(settings: Argon2Settings, concurrency: usize, queue_timeout: Duration) -> Result<Self, HashError> {
        let params = Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None)
            .map_err(|e| HashError::Failed(e.to_string()))?;
        let mut random = [0u8; 32];
        rand::TryRng::try_fill_bytes(&mut rand::rngs::SysRng, &mut random)
            .map_err(|e| HashError::Failed(e.to_string()))?;
        let dummy = Password::parse(&base64::Engine::encode(&base64::engine::general_purpose::STANDARD, random))
            .map_err(|e| HashError::Failed(e.to_string()))?;
        let dummy_hash = hash_blocking(&params, &dummy)?;
        Ok(Self { inner: Arc::new(Inner { params, permits: Semaphore::new(concurrency), queue_timeout, dummy_hash }) })
    }

    /// The PHC string (`$argon2id$v=19$m=…`) for a new password.
    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let params = self.inner.params.clone();
        let password = password.clone();
        self.run(move || hash_blocking(&params, &password)).await?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no account,
    /// which always yields [`Verification::Mismatch`] after the same amount of work.
    pub async fn verify(&self, password: &Password, stored: Option<&PasswordHash>) -> Result<Verification, HashError> {
        let known = stored.is_some();
        let phc = stored.unwrap_or(&self.inner.dummy_hash).clone();
        let params = self.inner.params.clone();
        let password = password.clone();
        let result = self.run(move || verify_blocking(&params, &password, &phc)).await??;
        Ok(if known { result } else { Verification::Mismatch })
    }

    /// Runs other CPU-heavy password work (strength checks) under the same bound.
    pub async fn bounded<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        self.run(work).await
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let _permit = tokio::time::timeout(self.inner.queue_timeout, self.inner.permits.acquire())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        tokio::task::spawn_blocking(work).await.map_err(|e| HashError::Failed(e.to_string()))
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_blocking(params: &Params, password: &Password) -> Result<PasswordHash, HashError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2(params)
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| HashError::Failed(e.to_string()))
}

fn verify_blocking(params: &Params, password: &Password, stored: &PasswordHash) -> Result<Verification, HashError> {
    let parsed = Phc::new(stored.as_phc()).map_err(|e| HashError::Failed(format!("stored hash unreadable: {e}")))?;
    // Verification uses the parameters recorded in the hash itself.
    match Argon2::default().verify_password(password.expose().as_bytes(), &parsed) {
        Ok(()) => Ok(Verification::Match { needs_rehash: !uses_params(&parsed, params) }),
        Err(argon2::password_hash::Error::Password) => Ok(Verification::Mismatch),
        Err(e) => Err(HashError::Failed(e.to_string())),
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

    fn pw(s: &str) -> Password {
        Password::parse(s).unwrap()
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = hasher(1024);
        let hash = hasher.hash(&pw("correct horse")).await.unwrap();
        assert!(hash.as_phc().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert_eq!(format!("{hash:?}"), "PasswordHash(********)");
        assert_eq!(
            hasher.verify(&pw("correct horse"), Some(&hash)).await.unwrap(),
            Verification::Match { needs_rehash: false }
        );
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
        let settings = Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 };
        let hasher = PasswordHasher::new(settings, 1, Duration::from_millis(0)).unwrap();
        let _held = hasher.inner.permits.acquire().await.unwrap();
        assert!(matches!(hasher.hash(&pw("x")).await, Err(HashError::Busy)));
    }
}
