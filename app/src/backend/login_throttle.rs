//! Slowing down password guessing, in the database so that every node sees the same counts.
//!
//! Per account: from the third consecutive failed password check on, the account's password is
//! not looked at until a delay after the last failure has passed (1 s, then 2, 4, … seconds),
//! and from `login_lockout_after` failures on, not for `login_lockout`. An attempt is counted
//! before the password is checked, so a burst of parallel guesses gets no more checks than the
//! same guesses one by one. The caller answers a held-back attempt exactly like a wrong password,
//! after the same hashing work. A success or a new password (changed or reset) clears the count;
//! a reset never looks at it.
//!
//! Per client address: a budget of login attempts per window ([`Limit::LoginAttemptsPerAddress`]);
//! over it, 429. That says nothing about any account. The address is the socket's peer, or
//! behind a trusted proxy the client it names ([`super::client_address`]).

use super::{
    rate_limits::Limit,
    sessions::ClientInfo,
    state::AppState,
    store::{StoreError, UserRecord},
};

/// Failures that cost nothing: typos happen.
const FREE_FAILURES: i64 = 3;

/// Counts this attempt against the client address's budget; false when it is over.
pub async fn address_within_budget(state: &AppState, client: &ClientInfo) -> Result<bool, StoreError> {
    let within = Limit::LoginAttemptsPerAddress.hit(state, &client.ip).await?;
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
    user_id: i64,
    failures: i64,
}

/// Claims an attempt at the account's password, or `None` while the account is held back (or
/// another attempt claimed this turn): then the caller answers as for a wrong password.
pub async fn begin(state: &AppState, user: &UserRecord) -> Result<Option<Attempt>, StoreError> {
    let now = state.clock.now();
    let held_back = user.last_failed_login_at.is_some_and(|last_failure| {
        now < last_failure + delay_after(user.failed_logins, state.config.login_lockout_after, lockout_secs(state))
    });
    let claimed =
        if held_back { None } else { state.store.count_login_attempt(user.id, user.failed_logins, now).await? };
    if claimed.is_none() {
        tracing::info!(user_id = user.id, "password not checked: held back after failed attempts");
    }
    Ok(claimed.map(|failures| Attempt { user_id: user.id, failures }))
}

impl Attempt {
    /// The password was wrong: the failure stays counted.
    pub fn failed(self, state: &AppState) {
        if self.failures == state.config.login_lockout_after {
            tracing::warn!(user_id = self.user_id, failures = self.failures, "account's logins locked after failures");
        }
    }

    /// The password was right: the count starts again from zero.
    pub async fn succeeded(self, state: &AppState) -> Result<(), StoreError> {
        state.store.clear_failed_logins(self.user_id).await
    }
}

fn lockout_secs(state: &AppState) -> i64 {
    state.config.login_lockout.as_secs() as i64
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
    use super::delay_after;

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
