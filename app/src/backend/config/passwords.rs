//! `PORTAL_ARGON2_*`, `PORTAL_HASH_*` and `PORTAL_PASSWORD_*`: how passwords are hashed, how
//! many hashes run at once, and which passwords are accepted.

use std::time::Duration;

use super::{bad, raw::RawConfig, ConfigError};
use crate::password_policy::PasswordPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// The hashing parameters, the hashing queue, and the password policy.
pub(super) struct Passwords {
    pub(super) argon2: Argon2Settings,
    pub(super) hash_concurrency: usize,
    pub(super) hash_queue_timeout: Duration,
    pub(super) policy: PasswordPolicy,
}

pub(super) fn parse(raw: &RawConfig) -> Result<Passwords, ConfigError> {
    let argon2 = Argon2Settings {
        memory_kib: raw.argon2_memory_kib,
        iterations: raw.argon2_iterations,
        parallelism: raw.argon2_parallelism,
    };
    argon2::Params::new(argon2.memory_kib, argon2.iterations, argon2.parallelism, None)
        .map_err(|e| bad("PORTAL_ARGON2_MEMORY_KIB", format!("invalid argon2 parameters: {e}")))?;
    let hash_concurrency = match raw.hash_concurrency {
        Some(0) => return Err(bad("PORTAL_HASH_CONCURRENCY", "must be at least 1")),
        Some(n) => n,
        None => default_hash_concurrency(argon2.memory_kib),
    };
    let policy = parse_password_policy(raw)?;
    Ok(Passwords {
        argon2,
        hash_concurrency,
        hash_queue_timeout: Duration::from_secs(raw.hash_queue_timeout_secs),
        policy,
    })
}

/// One hash per core, and never more than 256 MiB of argon2 memory in flight.
fn default_hash_concurrency(memory_kib: u32) -> usize {
    const MEMORY_BUDGET_KIB: usize = 256 * 1024;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let by_memory = MEMORY_BUDGET_KIB / (memory_kib.max(1) as usize);
    cores.min(by_memory).max(1)
}

/// A preset (`default`: the product's rules; `nist`: NIST SP 800-63B style), then any overrides.
fn parse_password_policy(raw: &RawConfig) -> Result<PasswordPolicy, ConfigError> {
    let mut policy = match raw.password_policy.as_str() {
        "default" => PasswordPolicy::default(),
        "nist" => PasswordPolicy::nist(),
        other => return Err(bad("PORTAL_PASSWORD_POLICY", format!("'{other}' is not one of: default, nist"))),
    };
    let set = |field: &mut bool, value: Option<bool>| {
        if let Some(v) = value {
            *field = v;
        }
    };
    set(&mut policy.require_upper, raw.password_require_upper);
    set(&mut policy.require_lower, raw.password_require_lower);
    set(&mut policy.require_digit, raw.password_require_digit);
    set(&mut policy.require_symbol, raw.password_require_symbol);
    set(&mut policy.reject_dictionary_words, raw.password_reject_dictionary_words);
    if let Some(n) = raw.password_min_length {
        if !(8..=64).contains(&n) {
            return Err(bad("PORTAL_PASSWORD_MIN_LENGTH", "must be between 8 and 64"));
        }
        policy.min_length = n;
    }
    if let Some(score) = raw.password_min_score {
        if score > 4 {
            return Err(bad("PORTAL_PASSWORD_MIN_SCORE", "must be between 0 and 4"));
        }
        policy.min_score = score;
    }
    Ok(policy)
}
