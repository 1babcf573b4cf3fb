//! Browsers that have signed in to an account (`known_devices`), named by the SHA-256 of the
//! device cookie's token, once per account. Their counts are [`super::failure_counts`]'.

use super::{on_pool, During, Store, StoreResult, UserId};

/// How many browsers an account remembers: the newest by sign-in; older ones count as unknown.
pub const DEVICES_PER_ACCOUNT: i64 = 10;

impl Store {
    /// The browser `token_hash` signed in to `user_id` at `now`: remembered (or renewed), and the account's browsers beyond the newest [`DEVICES_PER_ACCOUNT`]
    /// forgotten.
    pub async fn remember_device(&self, user_id: UserId, token_hash: &[u8], now: i64) -> StoreResult<()> {
        const UPSERT: &str = "INSERT INTO known_devices (token_hash, user_id, created_at, last_signed_in_at) \
                              VALUES ($1, $2, $3, $3) ON CONFLICT (token_hash, user_id) DO UPDATE SET \
                              last_signed_in_at = $3";
        const TRIM: &str = "DELETE FROM known_devices WHERE user_id = $1 AND token_hash NOT IN \
                            (SELECT token_hash FROM known_devices WHERE user_id = $1 \
                             ORDER BY last_signed_in_at DESC, created_at DESC LIMIT $2)";
        on_pool!(self, pool => sqlx::query(UPSERT)
            .bind(token_hash).bind(user_id).bind(now)
            .execute(pool).await.map(|_| ()))
        .during("remember_device: UPSERT")?;
        on_pool!(self, pool => sqlx::query(TRIM)
            .bind(user_id).bind(DEVICES_PER_ACCOUNT)
            .execute(pool).await.map(|_| ()))
        .during("remember_device: TRIM")
    }

    /// How many browsers the account remembers.
    pub async fn count_known_devices(&self, user_id: UserId) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM known_devices WHERE user_id = $1";
        on_pool!(self, pool => sqlx::query_scalar(SQL).bind(user_id).fetch_one(pool).await)
            .during("count_known_devices")
    }

    /// Forgets browsers that have not signed in since `cutoff`; run periodically.
    pub async fn purge_known_devices(&self, cutoff: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM known_devices WHERE last_signed_in_at < $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(cutoff).execute(pool).await.map(|r| r.rows_affected()))
            .during("purge_known_devices")
    }
}
