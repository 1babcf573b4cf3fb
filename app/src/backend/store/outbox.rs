//! The mail outbox: a request inserts a row; the worker claims due rows, sends them and marks
//! the same row sent, rescheduled or failed.
//!
//! A claim is a lease: `claimed_until` keeps other nodes off the row while one sends it, and a
//! node that dies mid-send leaves a lease that simply runs out, after which the row is due again.

use super::{on_pool, During, Store, StoreResult};
use crate::domain::Email;

/// A message as the outbox stores it: the envelope in clear, the bodies sealed, and until when
/// a secret in them (a reset link) is worth anything.
pub struct SealedMail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// After this the message is not sent but blanked: its link no longer works.
    pub secret_until: Option<i64>,
}

/// A claimed message, ready to send. `attempts` already counts this attempt.
#[derive(Clone, sqlx::FromRow)]
pub struct ClaimedMail {
    pub id: i64,
    /// When it was queued (Unix seconds): with `id` and the sealed body, what names the message.
    pub created_at: i64,
    #[sqlx(try_from = "String")]
    pub recipient: Email,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i64,
}

/// Bodies may carry secrets (reset links), so they stay out of `Debug`.
impl std::fmt::Debug for ClaimedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedMail")
            .field("id", &self.id)
            .field("subject", &self.subject)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// A row's delivery state, without the bodies: for tests.
#[cfg(feature = "test-support")]
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEntry {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub claimed_until: Option<i64>,
    pub sent_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
}

/// Claims up to `$3` due rows until `$2`. Rows are due when unsent, not given up on, past
/// `next_attempt_at` and not under a live lease. SQLite runs one write at a time, so the single
/// statement is atomic there; PostgreSQL also needs the rows locked, skipping those another
/// node is claiming, so that two nodes never claim the same row.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE mail_outbox SET claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM mail_outbox \
                          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                            AND (claimed_until IS NULL OR claimed_until <= $1) \
                            AND (secret_until IS NULL OR secret_until > $1) \
                          ORDER BY next_attempt_at, id LIMIT $3 ",
            $lock,
            ") RETURNING id, created_at, recipient, subject, text_body, html_body, attempts"
        )
    };
}

/// Queues a message, due at once ([`super::Tx::queue_mail`]).
pub(super) const INSERT_MAIL: &str = "INSERT INTO mail_outbox \
     (recipient, subject, text_body, html_body, created_at, next_attempt_at, secret_until) \
     VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id";

impl Store {
    /// Queues a message, due at once, outside any transaction.
    pub async fn enqueue_mail(&self, mail: &SealedMail, now: i64) -> StoreResult<i64> {
        let mut tx = self.begin().await?;
        let id = tx.queue_mail(mail, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Leases up to `limit` due messages to the caller until `lease_until`.
    pub async fn claim_due_mail(&self, now: i64, lease_until: i64, limit: i64) -> StoreResult<Vec<ClaimedMail>> {
        const SQLITE: &str = claim_sql!("");
        const POSTGRES: &str = claim_sql!("FOR UPDATE SKIP LOCKED");
        match self {
            Self::Sqlite(pool) => sqlx::query_as(SQLITE).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await,
            Self::Postgres(pool) => {
                sqlx::query_as(POSTGRES).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await
            }
        }
        .during("claim_due_mail")
    }

    /// The server accepted the message: record it and drop the bodies.
    pub async fn mark_mail_sent(&self, id: i64, now: i64) -> StoreResult<()> {
        const SQL: &str = "UPDATE mail_outbox SET sent_at = $2, claimed_until = NULL, \
                           text_body = '', html_body = '' WHERE id = $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(id).bind(now).execute(pool).await.map(|_| ()))
            .during("mark_mail_sent")?;
        Ok(())
    }

    /// Hands back rows claimed until `lease_until` that were not tried after all: due again at
    /// once, their attempt not counted. A row whose lease has changed hands is left alone.
    /// Returns how many were handed back.
    pub async fn release_mail(&self, ids: &[i64], lease_until: i64) -> StoreResult<u64> {
        const SQL: &str = "UPDATE mail_outbox SET claimed_until = NULL, attempts = attempts - 1 \
                           WHERE id = $1 AND claimed_until = $2 AND sent_at IS NULL AND failed_at IS NULL";
        let mut released = 0;
        for &id in ids {
            released += on_pool!(self, pool => sqlx::query(SQL).bind(id).bind(lease_until).execute(pool).await.map(|r| r.rows_affected())).during("release_mail")?;
        }
        Ok(released)
    }

    /// Delivery failed for now: release the lease and try again at `next_attempt_at`.
    pub async fn reschedule_mail(&self, id: i64, next_attempt_at: i64, error: &str) -> StoreResult<()> {
        const SQL: &str = "UPDATE mail_outbox SET next_attempt_at = $2, claimed_until = NULL, \
                           last_error = $3 WHERE id = $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(id).bind(next_attempt_at).bind(error).execute(pool).await.map(|_| ())).during("reschedule_mail")?;
        Ok(())
    }

    /// Blanks and gives up on unsent messages whose link stopped working at `now` or before:
    /// a link nobody can use any more is not worth sending, nor keeping.
    pub async fn drop_expired_links(&self, now: i64) -> StoreResult<u64> {
        const SQL: &str = "UPDATE mail_outbox SET failed_at = $1, text_body = '', html_body = '', \
                           last_error = 'its link expired before it could be sent' \
                           WHERE secret_until <= $1 AND sent_at IS NULL AND failed_at IS NULL";
        on_pool!(self, pool => sqlx::query(SQL).bind(now).execute(pool).await.map(|r| r.rows_affected()))
            .during("drop_expired_links")
    }

    /// The sealed bodies of a message as stored: for tests.
    #[cfg(feature = "test-support")]
    pub async fn stored_bodies(&self, id: i64) -> StoreResult<(String, String)> {
        const SQL: &str = "SELECT text_body, html_body FROM mail_outbox WHERE id = $1";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(id).fetch_one(pool).await).during("stored_bodies")
    }

    /// Giving up on a message: record why and drop the bodies.
    pub async fn mark_mail_failed(&self, id: i64, now: i64, error: &str) -> StoreResult<()> {
        const SQL: &str = "UPDATE mail_outbox SET failed_at = $2, claimed_until = NULL, \
                           last_error = $3, text_body = '', html_body = '' WHERE id = $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(id).bind(now).bind(error).execute(pool).await.map(|_| ()))
            .during("mark_mail_failed")?;
        Ok(())
    }

    /// Every row of the outbox, oldest first, without the bodies.
    #[cfg(feature = "test-support")]
    pub async fn list_outbox(&self) -> StoreResult<Vec<OutboxEntry>> {
        const SQL: &str = "SELECT id, recipient, subject, created_at, attempts, next_attempt_at, \
                           claimed_until, sent_at, failed_at, last_error FROM mail_outbox ORDER BY id";
        on_pool!(self, pool => sqlx::query_as(SQL).fetch_all(pool).await).during("list_outbox")
    }

    /// Messages waiting to be sent, and how many seconds the oldest has waited at `now`.
    pub async fn outbox_backlog(&self, now: i64) -> StoreResult<(i64, i64)> {
        const SQL: &str = "SELECT COUNT(*), COALESCE(MIN(created_at), $1) FROM mail_outbox \
                           WHERE sent_at IS NULL AND failed_at IS NULL";
        let (count, oldest): (i64, i64) =
            on_pool!(self, pool => sqlx::query_as(SQL).bind(now).fetch_one(pool).await).during("outbox_backlog")?;
        Ok((count, (now - oldest).max(0)))
    }

    /// Messages neither sent nor given up on.
    #[cfg(feature = "test-support")]
    pub async fn count_unsent_mail(&self) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL";
        on_pool!(self, pool => sqlx::query_scalar(SQL).fetch_one(pool).await).during("count_unsent_mail")
    }
}
