//! Slowing down password and code guessing, in the database so that every node sees the same
//! counts.
//!
//! **Whose failures.** OWASP's device cookies: a browser that has signed in to the account
//! carries a device cookie ([`super::known_devices`]), and failures from it are counted for that
//! browser alone (`known_devices`). The account's own count (`failed_logins` on its row) counts
//! every other client: browsers it has never signed in from. So a guesser's failures hold back
//! only clients the account has never signed in from, and the owner on a known browser with the
//! right password is never held back by someone else's failures. A known browser that runs up
//! its own lock (or its ceiling) is counted as an unknown client until it has served its time.
//!
//! **How a count holds back.** From the third consecutive failure on, the password is not checked
//! until a delay after the last failure has passed (1 s, then 2, 4, … seconds), and once
//! `login_lockout_after` failures are counted, not for `login_lockout`: the lock. When a lock
//! runs out the count falls back to the limit minus [`ALLOWANCE`], so a guesser gets three more
//! (slowed) tries before the next lock. The owner gets one email per lock of the account's count.
//! After [`MAX_CONSECUTIVE_FAILURES`] failures without a success (`consecutive_failures`), the
//! password is not checked again for that count until a reset sets a new one (NIST SP 800-63B,
//! §5.2.2).
//!
//! **A right password or code is never answered "wrong".** A check is counted as under way
//! before the password is checked (`checks_in_flight`) and settled when it ends: three may be
//! under way at once while the count allows free tries, past them one at a time, and an attempt
//! waits for the checks under way to settle (each may succeed and clear the count) instead of
//! being taken for a failure. So a burst of parallel guesses gets no more checks than the same
//! guesses one by one, and parallel logins with the right password all get in. An attempt that
//! loses the race for the count reads it again and tries again rather than giving up. A delay of up to [`WAITED_OUT`] (the first steps of the progressive
//! delay) is waited out here, before checking, instead of being turned into a refusal; only a
//! longer one holds the attempt back ([`Turn::HeldBack`]). Where the password is not yet proven
//! (the login form) the caller answers a held-back attempt exactly like a wrong password, after
//! the same hashing work; where it is (the code step, a signed-in page), the caller says how long
//! to wait, which reveals nothing new.
//!
//! Every wrong code counts like a wrong password, wherever it is typed: the login's second step,
//! "New recovery codes", "Turn off". A right password does not clear the count while the step
//! still needs a code: only the whole step succeeding does ([`Attempt::succeeded`]). A new
//! password (changed or reset) clears the account's count; a reset never looks at it.
//!
//! Per client address: a budget of login attempts per window ([`Limit::LoginAttemptsPerAddress`]),
//! spent by password and code tries alike; over it, 429. That says nothing about any account.
//! The address is the socket's peer, or behind a trusted proxy the client it names
//! ([`crate::backend::client::address`]).

use std::time::Duration;

use crate::{
    backend::{
        client::ClientInfo,
        mail::templates,
        state::AppState,
        steps::{notice::Notice, rate_limits::Limit},
        store::{CountOf, FailureCounts, StoreError, UserId, UserRecord, DECOY_SLOTS},
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
/// Consecutive failures after which only a new password (a reset) opens the count.
pub const MAX_CONSECUTIVE_FAILURES: i64 = 100;
/// The longest an attempt waits, in all, for a delay to pass before it is checked: the delays
/// after the third, fourth and fifth failures (1, 2 and 4 s) are waited out, longer ones are not.
pub const WAITED_OUT: i64 = 4;
/// How often an attempt waiting for a delay looks at the count again.
const POLL: Duration = Duration::from_millis(100);
/// How long an attempt waits, at most, for the checks under way on the same count to settle
/// (each is one password hash); beyond, it is held back for a moment. Real time, on any clock.
const BUSY_WAIT: Duration = Duration::from_secs(10);
/// How often an attempt waiting for the checks under way looks again.
const BUSY_POLL: Duration = Duration::from_millis(10);
/// A check begun longer ago than this and never settled (its node died) no longer counts as
/// under way.
const STALE_CHECK_SECS: i64 = 60;

/// The account ids start at 1: no account has this one (what a decoy's device read looks for).
const NO_ACCOUNT: UserId = UserId::from_row(0);

/// Counts this attempt against the client address's budget; false when it is over.
pub async fn address_within_budget(state: &AppState, client: &ClientInfo) -> Result<bool, StoreError> {
    let within = Limit::LoginAttemptsPerAddress.hit(state, &client.budget_key).await?;
    if !within {
        tracing::warn!("login attempts over budget for a client address");
    }
    Ok(within)
}

/// Whether a check may begin now, given a count.
#[derive(Debug, PartialEq, Eq)]
enum Gate {
    /// Yes; the checks under way become `in_flight`.
    Open { in_flight: i64 },
    /// Once the checks under way have settled (they may succeed and clear the count).
    Busy,
    /// Not before `until` (Unix seconds), or (`None`) not before a new password.
    Shut { until: Option<i64> },
}

/// How long a held-back attempt must wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldBack {
    /// Until this moment (Unix seconds).
    Until(i64),
    /// Until a new password is set (a reset).
    UntilNewPassword,
}

impl HeldBack {
    /// Whole seconds left from `now`, at least one; `None` until a new password.
    pub fn seconds_left(self, now: i64) -> Option<u64> {
        match self {
            Self::Until(until) => Some((until - now).max(1) as u64),
            Self::UntilNewPassword => None,
        }
    }
}

/// What [`begin`] gives: the right to check once, or how long to wait.
#[must_use]
pub enum Turn {
    Check(Attempt),
    HeldBack(HeldBack),
}

impl Turn {
    /// The attempt, or `None` when held back (the login form answers that as a wrong password).
    pub fn attempt(self) -> Option<Attempt> {
        match self {
            Self::Check(attempt) => Some(attempt),
            Self::HeldBack(_) => None,
        }
    }

    /// The attempt, or the seconds to wait from `now` (`None`: until a new password), for a
    /// step whose password is already proven or typed by a signed-in person.
    pub fn or_wait(self, now: i64) -> Result<Attempt, Option<u64>> {
        match self {
            Self::Check(attempt) => Ok(attempt),
            Self::HeldBack(held) => Err(held.seconds_left(now)),
        }
    }
}

/// The right to check the account's password (or code) once, counted as under way from the
/// start, so that guesses sent all at once (to one node or several) wait for each other like
/// guesses sent one after another. It is settled by [`Attempt::failed`], [`Attempt::succeeded`]
/// and the like; one dropped unsettled (its request went away mid-check) counts as a failure.
#[must_use]
pub struct Attempt {
    state: AppState,
    user_id: UserId,
    email: Email,
    of: CountOf,
    settled: bool,
}

/// Claims an attempt at `user`'s password or code from `client`: waits for the checks under
/// way, waits out a short delay, tries again after a lost race, and is held back only by a
/// longer delay, a lock, the ceiling, or a crowd of attempts that does not thin out.
pub async fn begin(state: &AppState, user: &UserRecord, client: &ClientInfo) -> Result<Turn, StoreError> {
    let deadline = state.clock.now() + WAITED_OUT;
    let busy_until = tokio::time::Instant::now() + BUSY_WAIT;
    loop {
        let now = state.clock.now();
        let (of, counts) = choose(state, user.id, client, now, deadline).await?;
        let crowded = tokio::time::Instant::now() >= busy_until;
        match gate(&counts, now, state.config.login_lockout_after, lockout_secs(state)) {
            Gate::Open { in_flight } if state.store.claim_check(&of, &counts, in_flight, now).await? => {
                let (user_id, email) = (user.id, user.email.clone());
                return Ok(Turn::Check(Attempt { state: state.clone(), user_id, email, of, settled: false }));
            }
            // Another attempt changed the count first, or checks are under way: look again.
            Gate::Open { .. } | Gate::Busy if !crowded => tokio::time::sleep(BUSY_POLL).await,
            Gate::Open { .. } | Gate::Busy => {
                tracing::warn!(user_id = %user.id, "check held back: too many attempts at once on one account");
                return Ok(Turn::HeldBack(HeldBack::Until(now + 1)));
            }
            Gate::Shut { until: Some(until) } if until <= deadline => state.clock.pause_until(until, POLL).await,
            Gate::Shut { until } => {
                let known_device = matches!(of, CountOf::Device(..));
                tracing::info!(user_id = %user.id, known_device, "check held back after failed attempts");
                return Ok(Turn::HeldBack(until.map_or(HeldBack::UntilNewPassword, HeldBack::Until)));
            }
        }
    }
}

/// What a login for an address with no account does instead of [`begin`]: the same reads and
/// the same statements on a real row (one of `login_decoys`, chosen by the address), so that
/// both paths write alike and take the same time. The attempt it gives is settled like a real
/// one, on that row; its counts mean nothing and hold nothing back.
pub async fn begin_for_no_account(state: &AppState, email: &Email, client: &ClientInfo) -> Result<Attempt, StoreError> {
    let now = state.clock.now();
    if let Some(device) = client.device {
        state.store.failure_counts(&CountOf::Device(NO_ACCOUNT, device)).await?;
    }
    let of = CountOf::Decoy(decoy_slot(email));
    let counts = state.store.failure_counts(&of).await?.unwrap_or(FailureCounts::ZERO);
    let in_flight = counts.checks_in_flight.clamp(0, FREE_FAILURES - 1) + 1;
    state.store.claim_check(&of, &counts, in_flight, now).await?;
    Ok(Attempt { state: state.clone(), user_id: NO_ACCOUNT, email: email.clone(), of, settled: false })
}

/// The decoy row an address counts on: spread by a hash, so no one row takes every such login.
fn decoy_slot(email: &Email) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(email.key().as_bytes());
    let first =
        u64::from_be_bytes([digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7]]);
    (first % DECOY_SLOTS) as i64
}

/// The count this attempt goes to, with its counts: the browser's own, when it is known to the
/// account and not held back for longer than an attempt waits; else the account's.
async fn choose(
    state: &AppState,
    user_id: UserId,
    client: &ClientInfo,
    now: i64,
    deadline: i64,
) -> Result<(CountOf, FailureCounts), StoreError> {
    if let Some(device) = client.device {
        let of = CountOf::Device(user_id, device);
        if let Some(counts) = state.store.failure_counts(&of).await? {
            let usable = match gate(&counts, now, state.config.login_lockout_after, lockout_secs(state)) {
                Gate::Open { .. } | Gate::Busy => true,
                Gate::Shut { until } => until.is_some_and(|until| until <= deadline),
            };
            if usable {
                return Ok((of, counts));
            }
        }
    }
    let of = CountOf::Account(user_id);
    // An account deleted meanwhile: nothing to check against, held back like a spent count.
    let spent = FailureCounts { consecutive_failures: MAX_CONSECUTIVE_FAILURES, ..FailureCounts::ZERO };
    let counts = state.store.failure_counts(&of).await?.unwrap_or(spent);
    Ok((of, counts))
}

impl Attempt {
    /// The password was wrong: one more failure. When it starts a lock of the account's count,
    /// the owner is told by email (once per lock).
    pub async fn failed(self, state: &AppState, client: &ClientInfo) -> Result<(), StoreError> {
        self.failed_guess(state, client, Guess::Password).await
    }

    /// The password was right but the code wrong: counted like a wrong password. When it starts
    /// a lock of the account's count, the owner is told that someone has the password.
    pub async fn failed_code(self, state: &AppState, client: &ClientInfo) -> Result<(), StoreError> {
        self.failed_guess(state, client, Guess::Code).await
    }

    async fn failed_guess(mut self, state: &AppState, client: &ClientInfo, guess: Guess) -> Result<(), StoreError> {
        let limit = state.config.login_lockout_after;
        let counted = state.store.check_failed(&self.of, limit, fallback(limit), state.clock.now()).await?;
        self.settled = true;
        let Some((failures, consecutive)) = counted else { return Ok(()) };
        let for_good = consecutive == MAX_CONSECUTIVE_FAILURES;
        // A known browser's own lock is not the account's: that browser counts as unknown for a
        // while, and the account's count mails when it locks.
        if !matches!(self.of, CountOf::Account(_)) || (failures != limit && !for_good) {
            return Ok(());
        }
        tracing::warn!(user_id = %self.user_id, failures = consecutive, for_good, "account's logins locked after failures");
        let notice = Notice::from_client(state, client);
        let until = (!for_good).then(|| notice.when() + lockout_secs(state));
        notice
            .send(|config, occasion| match guess {
                Guess::Password => templates::sign_ins_paused(config, &self.email, occasion, until),
                Guess::Code => templates::codes_paused(config, &self.email, occasion, until),
            })
            .await
    }

    /// The password was right and a second factor is still to come: neither a failure nor a
    /// success; the code's own attempt settles the step.
    pub async fn held_for_second_factor(mut self, state: &AppState) -> Result<(), StoreError> {
        state.store.check_settled(&self.of).await?;
        self.settled = true;
        Ok(())
    }

    /// The whole step was right: the count this attempt went to starts again from zero.
    pub async fn succeeded(mut self, state: &AppState) -> Result<(), StoreError> {
        state.store.check_succeeded(&self.of).await?;
        self.settled = true;
        Ok(())
    }
}

impl Drop for Attempt {
    /// A check whose request went away before it was settled counts as a failure, so that
    /// dropping connections mid-check buys a guesser nothing and leaves nothing under way.
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let (state, of) = (self.state.clone(), self.of);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            let limit = state.config.login_lockout_after;
            if let Err(e) = state.store.check_failed(&of, limit, fallback(limit), state.clock.now()).await {
                tracing::warn!(error = %e, "could not settle a check whose request went away");
            }
        });
    }
}

fn lockout_secs(state: &AppState) -> i64 {
    state.config.login_lockout.as_secs() as i64
}

/// The count a lock that ran out falls back to: the limit minus the allowance.
fn fallback(limit: i64) -> i64 {
    (limit - ALLOWANCE).max(0) + 1
}

/// Whether `counts` let a check begin at `now`.
fn gate(counts: &FailureCounts, now: i64, limit: i64, lockout_secs: i64) -> Gate {
    if counts.consecutive_failures >= MAX_CONSECUTIVE_FAILURES {
        return Gate::Shut { until: None };
    }
    let live = counts.checks_started_at.is_some_and(|started| now - started < STALE_CHECK_SECS);
    let in_flight = if live { counts.checks_in_flight.max(0) } else { 0 };
    let failures = counts.failed_logins;
    // Free tries, never past the lock (a limit below three locks sooner).
    if failures + in_flight < FREE_FAILURES.min(limit) {
        return Gate::Open { in_flight: in_flight + 1 };
    }
    if in_flight > 0 {
        return Gate::Busy;
    }
    if let Some(last_failure) = counts.last_failed_login_at {
        let until = last_failure + delay_after(failures, limit, lockout_secs);
        if now < until {
            return Gate::Shut { until: Some(until) };
        }
    }
    Gate::Open { in_flight: 1 }
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

    fn counts(failed_logins: i64, consecutive_failures: i64, last_failed_login_at: Option<i64>) -> FailureCounts {
        FailureCounts {
            failed_logins,
            consecutive_failures,
            last_failed_login_at,
            checks_in_flight: 0,
            checks_started_at: None,
        }
    }

    #[test]
    fn a_lock_that_runs_out_opens_and_its_failure_falls_back_by_three() {
        let locked = counts(10, 10, Some(1_000));
        assert_eq!(gate(&locked, 1_000 + 899, 10, 900), Gate::Shut { until: Some(1_900) }, "still locked");
        assert_eq!(gate(&locked, 1_000 + 900, 10, 900), Gate::Open { in_flight: 1 }, "the lock ran out");
        assert_eq!(fallback(10), 8, "a failure then counts 10 - 3 + 1");
        let after_allowance = counts(9, 12, Some(5_000));
        assert_eq!(
            gate(&after_allowance, 5_000 + 63, 10, 900),
            Gate::Shut { until: Some(5_064) },
            "the doubling delay still applies"
        );
        assert_eq!(gate(&after_allowance, 5_000 + 64, 10, 900), Gate::Open { in_flight: 1 });
    }

    #[test]
    fn after_a_hundred_consecutive_failures_only_a_new_password_helps() {
        let spent = counts(10, MAX_CONSECUTIVE_FAILURES, Some(0));
        assert_eq!(gate(&spent, i64::MAX / 2, 10, 900), Gate::Shut { until: None });
        assert_eq!(gate(&counts(0, 0, None), 0, 10, 900), Gate::Open { in_flight: 1 });
    }

    #[test]
    fn a_limit_below_the_free_tries_locks_at_the_limit() {
        assert_eq!(gate(&counts(1, 1, Some(100)), 101, 1, 60), Gate::Shut { until: Some(160) });
        assert_eq!(gate(&counts(0, 0, None), 101, 1, 60), Gate::Open { in_flight: 1 });
    }

    #[test]
    fn checks_under_way_count_toward_the_free_ones_then_are_waited_for() {
        let under_way = |failed, in_flight, started| FailureCounts {
            checks_in_flight: in_flight,
            checks_started_at: Some(started),
            ..counts(failed, failed, (failed > 0).then_some(0))
        };
        assert_eq!(gate(&under_way(0, 2, 100), 100, 10, 900), Gate::Open { in_flight: 3 });
        assert_eq!(gate(&under_way(0, 3, 100), 100, 10, 900), Gate::Busy, "three at once, then wait for them");
        assert_eq!(gate(&under_way(5, 1, 100), 100, 10, 900), Gate::Busy, "one at a time past the free ones");
        assert_eq!(
            gate(&under_way(0, 3, 100), 100 + STALE_CHECK_SECS, 10, 900),
            Gate::Open { in_flight: 1 },
            "a check a dead node began is void after a minute"
        );
    }

    #[test]
    fn only_the_first_delays_are_short_enough_to_wait_out() {
        let waited: Vec<i64> =
            (3..=11).map(|failures| delay_after(failures, 10, 900)).filter(|d| *d <= WAITED_OUT).collect();
        assert_eq!(waited, [1, 2, 4]);
    }

    #[test]
    fn a_held_back_attempt_is_told_whole_seconds() {
        assert_eq!(HeldBack::Until(1_008).seconds_left(1_000), Some(8));
        assert_eq!(HeldBack::Until(1_000).seconds_left(1_000), Some(1), "never zero");
        assert_eq!(HeldBack::UntilNewPassword.seconds_left(0), None);
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
