use super::{on_pool, outbox::INSERT_MAIL, users::set_new_password, Store, StoreResult};
use crate::backend::mail::OutgoingMail;

/// A reset link that can still be used, and the account it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveReset {
    pub user_id: i64,
    pub email: String,
}

impl Store {
    /// Ends the account's earlier unused links, stores the new one and queues its email, all in
    /// one transaction: the mail is sent exactly when the link exists.
    pub async fn create_password_reset(
        &self,
        user_id: i64,
        token_hash: &[u8],
        now: i64,
        expires_at: i64,
        mail: &OutgoingMail,
    ) -> StoreResult<()> {
        const END_EARLIER: &str = "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL";
        const INSERT: &str =
            "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(END_EARLIER).bind(now).bind(user_id).execute(&mut *tx).await?;
            sqlx::query(INSERT).bind(user_id).bind(token_hash).bind(now).bind(expires_at).execute(&mut *tx).await?;
            sqlx::query(INSERT_MAIL).bind(&mail.to).bind(&mail.subject).bind(&mail.text).bind(&mail.html).bind(now)
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The account of a link that is unused and unexpired; reading does not use it up.
    pub async fn find_live_reset(&self, token_hash: &[u8], now: i64) -> StoreResult<Option<LiveReset>> {
        const SQL: &str = "SELECT r.user_id, u.email FROM password_resets r JOIN users u ON u.id = r.user_id \
                           WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.disabled_at IS NULL";
        Ok(on_pool!(self, pool => sqlx::query_as(SQL).bind(token_hash).bind(now).fetch_optional(pool).await)?)
    }

    /// Uses the link and sets the new password in one transaction: the link is claimed by a
    /// single conditional UPDATE, so of many concurrent requests exactly one succeeds. Clears the
    /// failed-login count, ends every session and every other link of the account and queues
    /// `mail`. `None` when the link was no longer usable.
    pub async fn complete_password_reset(
        &self,
        token_hash: &[u8],
        password_hash: &str,
        now: i64,
        mail: impl Fn(&str) -> OutgoingMail,
    ) -> StoreResult<Option<i64>> {
        const CLAIM: &str = "UPDATE password_resets SET used_at = $1 \
                             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id";
        const EMAIL: &str = "SELECT email FROM users WHERE id = $1 AND disabled_at IS NULL";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let Some(user_id): Option<i64> =
                sqlx::query_scalar(CLAIM).bind(now).bind(token_hash).fetch_optional(&mut *tx).await?
            else {
                return Ok(None);
            };
            let Some(email): Option<String> =
                sqlx::query_scalar(EMAIL).bind(user_id).fetch_optional(&mut *tx).await?
            else {
                return Ok(None);
            };
            set_new_password!(tx, user_id, password_hash, now, &mail(&email));
            tx.commit().await?;
            Ok(Some(user_id))
        })
    }

    /// Removes links that can no longer be used; run periodically.
    pub async fn purge_password_resets(&self, now: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM password_resets WHERE expires_at <= $1 OR used_at IS NOT NULL";
        Ok(on_pool!(self, pool => sqlx::query(SQL).bind(now).execute(pool).await.map(|r| r.rows_affected()))?)
    }
}
