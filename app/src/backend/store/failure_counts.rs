//! The counts the login throttle keeps ([`crate::backend::steps::login_throttle`]): one on each
//! account's row for the clients it has never signed in from, one on each known browser's row
//! (`known_devices`). The same statements for both, each a single statement, so that of
//! concurrent attempts on any number of nodes exactly one wins each change.

use super::{on_pool, During, Store, StoreResult, UserId};

/// Whose count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountOf {
    /// The account's own: clients it has never signed in from.
    Account(UserId),
    /// A browser that has signed in to the account: the SHA-256 of its device cookie.
    Device(UserId, [u8; 32]),
    /// One of the rows a login for an address with no account counts on (`login_decoys`, 64).
    Decoy(i64),
}

/// A count as read: failures, and the checks under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct FailureCounts {
    /// Failures that set the delay and the lock (a lock that runs out sets it back).
    pub failed_logins: i64,
    /// Failures since the last success or new password, whatever the lock gave back.
    pub consecutive_failures: i64,
    pub last_failed_login_at: Option<i64>,
    /// Checks begun and not yet settled.
    pub checks_in_flight: i64,
    /// When the latest of them began.
    pub checks_started_at: Option<i64>,
}

impl FailureCounts {
    /// A count with nothing counted and nothing under way.
    pub const ZERO: Self = Self {
        failed_logins: 0,
        consecutive_failures: 0,
        last_failed_login_at: None,
        checks_in_flight: 0,
        checks_started_at: None,
    };
}

/// One statement per table; the values come first (`$1`…), the row's key last.
struct Statements {
    read: &'static str,
    claim: &'static str,
    failed: &'static str,
    succeeded: &'static str,
    settled: &'static str,
}

/// The five statements for `$table`, whose row is named by `$key` (its placeholders written for
/// each statement's first free number: after no values, after three, after four).
macro_rules! statements {
    ($table:literal, key_first: $k1:literal, key_after_three: $k4:literal, key_after_four: $k5:literal,
     consecutive: $consecutive:literal) => {
        Statements {
            read: concat!(
                "SELECT failed_logins, consecutive_failures, last_failed_login_at, checks_in_flight, ",
                "checks_started_at FROM ",
                $table,
                " WHERE ",
                $k1
            ),
            claim: concat!(
                "UPDATE ",
                $table,
                " SET checks_in_flight = $1, checks_started_at = $2 ",
                "WHERE failed_logins = $3 AND checks_in_flight = $4 AND ",
                $k5
            ),
            failed: concat!(
                "UPDATE ",
                $table,
                " SET ",
                "failed_logins = CASE WHEN failed_logins >= $1 THEN $2 ELSE failed_logins + 1 END, ",
                "consecutive_failures = ",
                $consecutive,
                ", last_failed_login_at = $3, ",
                "checks_in_flight = CASE WHEN checks_in_flight > 0 THEN checks_in_flight - 1 ELSE 0 END ",
                "WHERE ",
                $k4,
                " RETURNING failed_logins, consecutive_failures"
            ),
            succeeded: concat!(
                "UPDATE ",
                $table,
                " SET failed_logins = 0, consecutive_failures = 0, last_failed_login_at = NULL, ",
                "checks_in_flight = CASE WHEN checks_in_flight > 0 THEN checks_in_flight - 1 ELSE 0 END ",
                "WHERE ",
                $k1
            ),
            settled: concat!(
                "UPDATE ",
                $table,
                " SET ",
                "checks_in_flight = CASE WHEN checks_in_flight > 0 THEN checks_in_flight - 1 ELSE 0 END ",
                "WHERE ",
                $k1
            ),
        }
    };
}

const ACCOUNT: Statements = statements!("users",
    key_first: "id = $1", key_after_three: "id = $4", key_after_four: "id = $5",
    consecutive: "consecutive_failures + 1");

const DEVICE: Statements = statements!("known_devices",
    key_first: "user_id = $1 AND token_hash = $2",
    key_after_three: "user_id = $4 AND token_hash = $5",
    key_after_four: "user_id = $5 AND token_hash = $6",
    consecutive: "consecutive_failures + 1");

// Nothing reads a decoy's consecutive count: it wraps rather than grow for good.
const DECOY: Statements = statements!("login_decoys",
    key_first: "slot = $1", key_after_three: "slot = $4", key_after_four: "slot = $5",
    consecutive: "CASE WHEN consecutive_failures >= 1000000 THEN 0 ELSE consecutive_failures + 1 END");

/// How many rows `login_decoys` has.
pub const DECOY_SLOTS: u64 = 64;

impl CountOf {
    fn statements(&self) -> &'static Statements {
        match self {
            Self::Account(_) => &ACCOUNT,
            Self::Device(..) => &DEVICE,
            Self::Decoy(_) => &DECOY,
        }
    }
}

/// Binds the row's key after the values.
macro_rules! keyed {
    ($query:expr, $of:expr) => {
        match $of {
            CountOf::Account(user_id) => $query.bind(*user_id),
            CountOf::Device(user_id, hash) => $query.bind(*user_id).bind(hash.as_slice()),
            CountOf::Decoy(slot) => $query.bind(*slot),
        }
    };
}

impl Store {
    /// The count, when its row exists (a known browser; an account).
    pub async fn failure_counts(&self, of: &CountOf) -> StoreResult<Option<FailureCounts>> {
        let sql = of.statements().read;
        on_pool!(self, pool => keyed!(sqlx::query_as(sql), of).fetch_optional(pool).await).during("failure_counts")
    }

    /// Begins a check: the checks under way become `in_flight`, if the count is still `seen`.
    /// False when another attempt changed it first.
    pub async fn claim_check(&self, of: &CountOf, seen: &FailureCounts, in_flight: i64, now: i64) -> StoreResult<bool> {
        let sql = of.statements().claim;
        let done = on_pool!(self, pool => keyed!(sqlx::query(sql)
            .bind(in_flight).bind(now).bind(seen.failed_logins).bind(seen.checks_in_flight), of)
            .execute(pool).await.map(|r| r.rows_affected()))
        .during("claim_check")?;
        Ok(done == 1)
    }

    /// Settles a check as a failure: one more, or (when the count stood at `limit` or over, a
    /// lock that ran out) `fallback`. The new count and consecutive failures, if the row exists.
    pub async fn check_failed(
        &self,
        of: &CountOf,
        limit: i64,
        fallback: i64,
        now: i64,
    ) -> StoreResult<Option<(i64, i64)>> {
        let sql = of.statements().failed;
        on_pool!(self, pool => keyed!(sqlx::query_as(sql).bind(limit).bind(fallback).bind(now), of)
            .fetch_optional(pool).await)
        .during("check_failed")
    }

    /// Settles a check as a success: the count starts again from zero.
    pub async fn check_succeeded(&self, of: &CountOf) -> StoreResult<()> {
        let sql = of.statements().succeeded;
        on_pool!(self, pool => keyed!(sqlx::query(sql), of).execute(pool).await.map(|_| ())).during("check_succeeded")
    }

    /// Settles a check as neither (a right password whose step goes on to a code).
    pub async fn check_settled(&self, of: &CountOf) -> StoreResult<()> {
        let sql = of.statements().settled;
        on_pool!(self, pool => keyed!(sqlx::query(sql), of).execute(pool).await.map(|_| ())).during("check_settled")
    }
}
