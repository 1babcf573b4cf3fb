use super::SealedMail;
use super::{on_pool, transaction::on_tx, During, Store, StoreResult, Tx, UserId};
use crate::backend::secrets::password_hasher::PasswordHash;
use crate::domain::Email;

/// A reset link that can still be used, and the account it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveReset {
    pub user_id: UserId,
    #[sqlx(try_from = "String")]
    pub email: Email,
}

impl Store {
    /// Ends the account's earlier unused links, stores the new one and queues its email, all in
    /// one transaction: the mail is sent exactly when the link exists.
    pub async fn create_password_reset(
        &self,
        user_id: UserId,
        token_hash: &[u8],
        now: i64,
        expires_at: i64,
        mail: &SealedMail,
    ) -> StoreResult<()> {
        const INSERT: &str =
            "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        let mut tx = self.begin().await?;
        tx.end_links(user_id, now).await?;
        on_tx!(&mut tx, tx => sqlx::query(INSERT)
            .bind(user_id).bind(token_hash).bind(now).bind(expires_at)
            .execute(&mut **tx).await.map(|_| ()))
        .during("create_password_reset: INSERT")?;
        tx.queue_mail(mail, now).await?;
        tx.commit().await
    }

    /// The account of a link that is unused and unexpired; reading does not use it up.
    pub async fn find_live_reset(&self, token_hash: &[u8], now: i64) -> StoreResult<Option<LiveReset>> {
        const SQL: &str = "SELECT r.user_id, u.email FROM password_resets r JOIN users u ON u.id = r.user_id \
                           WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.disabled_at IS NULL";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(token_hash).bind(now).fetch_optional(pool).await)
            .during("find_live_reset")
    }

    /// Uses the link and sets the new password in one transaction: the link is claimed by a
    /// single conditional UPDATE, so of many concurrent requests exactly one succeeds. Clears the
    /// failed-login count, ends every session and every other link of the account and queues
    /// `mail`. `None` when the link was no longer usable.
    pub async fn complete_password_reset(
        &self,
        token_hash: &[u8],
        password_hash: &PasswordHash,
        now: i64,
        notice: impl Fn(&Email) -> SealedMail,
    ) -> StoreResult<Option<UserId>> {
        let mut tx = self.begin().await?;
        let Some(link) = tx.claim_reset_link(token_hash, now).await? else {
            return Ok(None);
        };
        tx.apply_new_password(link.user_id, None, password_hash, now, &notice(&link.email)).await?;
        tx.commit().await?;
        Ok(Some(link.user_id))
    }

    /// Removes links that can no longer be used; run periodically.
    pub async fn purge_password_resets(&self, now: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM password_resets WHERE expires_at <= $1 OR used_at IS NOT NULL";
        on_pool!(self, pool => sqlx::query(SQL).bind(now).execute(pool).await.map(|r| r.rows_affected()))
            .during("purge_password_resets")
    }
}

impl Tx {
    /// Uses up the link if it still works (one conditional UPDATE, so of concurrent claims
    /// exactly one wins) and its account is enabled.
    async fn claim_reset_link(&mut self, token_hash: &[u8], now: i64) -> StoreResult<Option<LiveReset>> {
        const CLAIM: &str = "UPDATE password_resets SET used_at = $1 \
                             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id";
        const ACCOUNT: &str = "SELECT id AS user_id, email FROM users WHERE id = $1 AND disabled_at IS NULL";
        let claimed: Option<i64> =
            on_tx!(self, tx => sqlx::query_scalar(CLAIM).bind(now).bind(token_hash).fetch_optional(&mut **tx).await)
                .during("claim_reset_link: CLAIM")?;
        let Some(user_id) = claimed else {
            return Ok(None);
        };
        on_tx!(self, tx => sqlx::query_as(ACCOUNT).bind(user_id).fetch_optional(&mut **tx).await)
            .during("claim_reset_link: ACCOUNT")
    }
}
