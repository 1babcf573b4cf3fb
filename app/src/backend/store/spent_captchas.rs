use super::{on_pool, During, Store, StoreResult};

impl Store {
    /// Records that the challenge `id` has been answered. True the first time, false for every
    /// later try on any node: the primary key decides, in one statement.
    pub async fn spend_captcha(&self, id: &[u8], expires_at: i64) -> StoreResult<bool> {
        const SQL: &str = "INSERT INTO spent_captchas (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";
        let inserted = on_pool!(self, pool => sqlx::query(SQL).bind(id).bind(expires_at).execute(pool).await.map(|r| r.rows_affected())).during("spend_captcha")?;
        Ok(inserted == 1)
    }

    /// Forgets challenges that expired before `now`: they are refused for their age anyway.
    pub async fn purge_spent_captchas(&self, now: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM spent_captchas WHERE expires_at < $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(now).execute(pool).await.map(|r| r.rows_affected()))
            .during("purge_spent_captchas")
    }
}
