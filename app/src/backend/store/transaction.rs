//! A transaction on whichever database is configured, with one method per fact it records.
//! Several facts that must hold together (a new password ends every session and link and
//! queues its notice) are written through one of these and committed at once.

use sqlx::{Postgres, Sqlite, Transaction};

use super::SealedMail;
use super::{outbox::INSERT_MAIL, During, Store, StoreResult, UserId};
use crate::backend::secrets::password_hasher::PasswordHash;

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$tx` bound to the concrete transaction, whichever database it is.
macro_rules! on_tx {
    ($self:expr, $tx:ident => $body:expr) => {
        match $self {
            $crate::backend::store::Tx::Sqlite($tx) => $body,
            $crate::backend::store::Tx::Postgres($tx) => $body,
        }
    };
}
pub(super) use on_tx;

impl Store {
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin().await.during("begin")?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await.during("begin")?),
        })
    }
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        on_tx!(self, tx => tx.commit().await).during("commit")?;
        Ok(())
    }

    /// The account's new password hash and credentials version (returned); a new password also
    /// forgets earlier failed logins. With `only_from`, only if the version is still that one;
    /// `None` when it was not (or the account is gone).
    pub async fn set_password_hash(
        &mut self,
        user_id: UserId,
        only_from: Option<i64>,
        hash: &PasswordHash,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        macro_rules! set {
            ($condition:literal) => {
                concat!(
                    "UPDATE users SET password_hash = $1, updated_at = $2, failed_logins = 0, ",
                    "consecutive_failures = 0, last_failed_login_at = NULL, ",
                    "credentials_version = credentials_version + 1 WHERE id = $3",
                    $condition,
                    " RETURNING credentials_version"
                )
            };
        }
        let sql = match only_from {
            None => set!(""),
            Some(_) => set!(" AND credentials_version = $4"),
        };
        on_tx!(self, tx => {
            let query = sqlx::query_scalar::<_, i64>(sql).bind(hash.as_phc()).bind(now).bind(user_id);
            match only_from {
                Some(version) => query.bind(version),
                None => query,
            }
            .fetch_optional(&mut **tx)
            .await
        })
        .during("set_password_hash")
    }

    /// Ends every session of the account.
    pub async fn end_sessions(&mut self, user_id: UserId) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM sessions WHERE user_id = $1";
        on_tx!(self, tx => sqlx::query(SQL).bind(user_id).execute(&mut **tx).await.map(|r| r.rows_affected()))
            .during("end_sessions")
    }

    /// Ends every unused reset link of the account, and blanks (gives up on) the account's
    /// unsent messages that carry one.
    pub async fn end_links(&mut self, user_id: UserId, now: i64) -> StoreResult<u64> {
        const LINKS: &str = "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL";
        const MAIL: &str = "UPDATE mail_outbox SET failed_at = $1, text_body = '', html_body = '', \
                            last_error = 'its link was ended before it could be sent' \
                            WHERE recipient = (SELECT email FROM users WHERE id = $2) \
                              AND secret_until IS NOT NULL AND sent_at IS NULL AND failed_at IS NULL";
        on_tx!(self, tx => sqlx::query(MAIL).bind(now).bind(user_id).execute(&mut **tx).await.map(|_| ()))
            .during("end_links: MAIL")?;
        on_tx!(self, tx => sqlx::query(LINKS)
            .bind(now).bind(user_id)
            .execute(&mut **tx).await.map(|r| r.rows_affected()))
        .during("end_links: LINKS")
    }

    /// Queues `mail`, due at once; it is sent only if the transaction commits.
    pub async fn queue_mail(&mut self, mail: &SealedMail, now: i64) -> StoreResult<i64> {
        let id = on_tx!(self, tx => sqlx::query_scalar(INSERT_MAIL)
            .bind(mail.to.as_str())
            .bind(&mail.subject)
            .bind(&mail.text)
            .bind(&mail.html)
            .bind(now)
            .bind(mail.secret_until)
            .fetch_one(&mut **tx)
            .await)
        .during("queue_mail: INSERT_MAIL")?;
        Ok(id)
    }

    /// What every new password does, changed or reset: the hash and a new credentials version
    /// (returned), no sessions, no usable reset links, and the notice to the account. `None`
    /// (and nothing else written) when `only_from` is given and the version moved on.
    pub async fn apply_new_password(
        &mut self,
        user_id: UserId,
        only_from: Option<i64>,
        hash: &PasswordHash,
        now: i64,
        notice: &SealedMail,
    ) -> StoreResult<Option<i64>> {
        let Some(version) = self.set_password_hash(user_id, only_from, hash, now).await? else {
            return Ok(None);
        };
        self.end_sessions(user_id).await?;
        self.end_links(user_id, now).await?;
        self.queue_mail(notice, now).await?;
        Ok(Some(version))
    }
}
