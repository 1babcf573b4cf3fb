//! Slowing down password guessing, in the database so that every node sees the same counts.
//!
//! Per account (`failed_logins`): from the third consecutive failed password check on, the
//! account's password is not checked until a delay after the last failure has passed (1 s, then
//! 2, 4, … seconds), and once `login_lockout_after` failures are counted, not for
//! `login_lockout`: the lock. When a lock runs out the count falls back to the limit minus
//! [`ALLOWANCE`], so the owner can sign in at once and a guesser gets three more (slowed) tries
//! before the next lock; a guesser can no longer keep an account locked for good with one try
//! per lock. The owner gets one email per lock. After [`MAX_CONSECUTIVE_FAILURES`] failures
//! without a success (`consecutive_failures`), the password is not checked again until a reset
//! sets a new one (NIST SP 800-63B, §5.2.2).
//!
//! An attempt is counted before the password is checked, so a burst of parallel guesses gets no
//! more checks than the same guesses one by one. The caller answers a held-back attempt exactly
//! like a wrong password, after the same hashing work. A success or a new password (changed or
//! reset) clears both counts; a reset never looks at them.
//!
//! Per client address: a budget of login attempts per window ([`Limit::LoginAttemptsPerAddress`]);
//! over it, 429. That says nothing about any account. The address is the socket's peer, or
//! behind a trusted proxy the client it names ([`crate::backend::client::address`]).

use crate::{
    backend::{
        client::ClientInfo,
        mail::templates,
        state::AppState,
        steps::{notice::Notice, rate_limits::Limit},
        store::UserId,
        store::{StoreError, UserRecord},
    },
    domain::Email,
};

/// What was guessed wrong: the password, or (after the right password) a sign-in code.
#[derive(Clone, Copy)]
enum Guess {
    Password,
    Code,
}

/// Failures that cost nothing: typos happen.
const FREE_FAILURES: i64 = 3;
/// Tries a lock gives back when it runs out, before the next lock.
pub const ALLOWANCE: i64 = 3;
/// Consecutive failures after which only a new password (a reset) opens the account.
pub const MAX_CONSECUTIVE_FAILURES: i64 = 100;

/// Counts this attempt against the client address's budget; false when it is over.
pub async fn address_within_budget(state: &AppState, client: &ClientInfo) -> Result<bool, StoreError> {
    let within = Limit::LoginAttemptsPerAddress.hit(state, &client.budget_key).await?;
    if !within {
        tracing::warn!("login attempts over budget for a client address");
    }
    Ok(within)
}

/// The right to check the account's password once. It counts as a failure from the start, so
/// that guesses sent all at once (to one node or several) are held back like guesses sent one
/// after another; [`Attempt::succeeded`] takes it back.
#[must_use]
pub struct Attempt {
    user_id: UserId,
    email: Email,
    failures: i64,
    consecutive: i64,
}

/// Claims an attempt at the account's password, or `None` while the account is held back (or
/// another attempt claimed this turn): then the caller answers as for a wrong password.
pub async fn begin(state: &AppState, user: &UserRecord) -> Result<Option<Attempt>, StoreError> {
    let now = state.clock.now();
    let limit = state.config.login_lockout_after;
    let claimed = match next_count(user, now, limit, lockout_secs(state)) {
        None => None,
        Some(next) => state.store.count_login_attempt(user.id, user.failed_logins, next, now).await?,
    };
    if claimed.is_none() {
        tracing::info!(user_id = %user.id, "password not checked: held back after failed attempts");
    }
    Ok(claimed.map(|(failures, consecutive)| Attempt {
        user_id: user.id,
        email: user.email.clone(),
        failures,
        consecutive,
    }))
}

impl Attempt {
    /// The password was wrong: the failure stays counted. When it starts a lock, the owner is
    /// told by email (once per lock).
    pub async fn failed(self, state: &AppState, client: &ClientInfo) -> Result<(), StoreError> {
        self.failed_guess(state, client, Guess::Password).await
    }

    /// The password was right but the sign-in code wrong: counted like a wrong password. When
    /// it starts a lock, the owner is told that someone has the password.
    pub async fn failed_code(self, state: &AppState, client: &ClientInfo) -> Result<(), StoreError> {
        self.failed_guess(state, client, Guess::Code).await
    }

    async fn failed_guess(self, state: &AppState, client: &ClientInfo, guess: Guess) -> Result<(), StoreError> {
        let limit = state.config.login_lockout_after;
        let for_good = self.consecutive == MAX_CONSECUTIVE_FAILURES;
        if self.failures != limit && !for_good {
            return Ok(());
        }
        tracing::warn!(
            user_id = %self.user_id,
            failures = self.consecutive,
            for_good,
            "account's logins locked after failures"
        );
        let notice = Notice::from_client(state, client);
        let until = (!for_good).then(|| notice.when() + lockout_secs(state));
        notice
            .send(|config, occasion| match guess {
                Guess::Password => templates::sign_ins_paused(config, &self.email, occasion, until),
                Guess::Code => templates::codes_paused(config, &self.email, occasion, until),
            })
            .await
    }

    /// The password was right and a second factor is still to come: the attempt stays counted
    /// (as a failure) until [`Attempt::succeeded`] clears the count after the code.
    pub fn held_for_second_factor(self) {}

    /// The password was right: the count starts again from zero.
    pub async fn succeeded(self, state: &AppState) -> Result<(), StoreError> {
        state.store.clear_failed_logins(self.user_id).await
    }
}

fn lockout_secs(state: &AppState) -> i64 {
    state.config.login_lockout.as_secs() as i64
}

/// The account's count once this attempt is counted, or `None` while its password is not to
/// be checked.
fn next_count(user: &UserRecord, now: i64, limit: i64, lockout_secs: i64) -> Option<i64> {
    if user.consecutive_failures >= MAX_CONSECUTIVE_FAILURES {
        return None;
    }
    let Some(last_failure) = user.last_failed_login_at else {
        return Some(user.failed_logins + 1);
    };
    if now < last_failure + delay_after(user.failed_logins, limit, lockout_secs) {
        return None;
    }
    Some(if user.failed_logins >= limit { (limit - ALLOWANCE).max(0) + 1 } else { user.failed_logins + 1 })
}

/// Seconds after the last failure during which the password is not checked.
fn delay_after(failures: i64, lockout_after: i64, lockout_secs: i64) -> i64 {
    if failures >= lockout_after {
        lockout_secs
    } else if failures < FREE_FAILURES {
        0
    } else {
        // At most 100 failures are counted before the lock, so 2^30 s is far beyond any lock.
        let doublings = (failures - FREE_FAILURES).min(30) as u32;
        (1i64 << doublings).min(lockout_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::secrets::password_hasher::PasswordHash;

    fn account(failed_logins: i64, consecutive_failures: i64, last_failed_login_at: Option<i64>) -> UserRecord {
        UserRecord {
            id: crate::backend::ids::UserId::from_row(1),
            email: Email::parse("alice@example.com").unwrap(),
            password_hash: PasswordHash::from_phc_for_tests("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA"),
            disabled_at: None,
            failed_logins,
            last_failed_login_at,
            credentials_version: 0,
            consecutive_failures,
        }
    }

    #[test]
    fn a_lock_that_runs_out_gives_back_three_tries() {
        let locked = account(10, 10, Some(1_000));
        assert_eq!(next_count(&locked, 1_000 + 899, 10, 900), None, "still locked");
        assert_eq!(next_count(&locked, 1_000 + 900, 10, 900), Some(8), "the lock ran out: 10 - 3 + 1");
        let after_allowance = account(9, 12, Some(5_000));
        assert_eq!(next_count(&after_allowance, 5_000 + 63, 10, 900), None, "the doubling delay still applies");
        assert_eq!(next_count(&after_allowance, 5_000 + 64, 10, 900), Some(10), "the next lock");
    }

    #[test]
    fn after_a_hundred_consecutive_failures_only_a_new_password_helps() {
        let spent = account(10, MAX_CONSECUTIVE_FAILURES, Some(0));
        assert_eq!(next_count(&spent, i64::MAX / 2, 10, 900), None);
        assert_eq!(next_count(&account(0, 0, None), 0, 10, 900), Some(1));
    }

    #[test]
    fn the_delay_doubles_from_the_third_failure_and_the_lock_comes_at_the_limit() {
        let delays: Vec<i64> = (0..=11).map(|failures| delay_after(failures, 10, 900)).collect();
        assert_eq!(delays, [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 900, 900]);
    }

    #[test]
    fn no_delay_is_longer_than_the_lock() {
        assert_eq!(delay_after(14, 100, 900), 900);
        assert_eq!(delay_after(99, 100, 60), 60);
        assert_eq!(delay_after(1, 1, 60), 60, "a limit of one locks at the first failure");
    }
}
