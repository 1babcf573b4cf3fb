use super::{on_pool, During, Store, StoreResult};

impl Store {
    /// Counts one hit for (`scope`, `key`) in a fixed window of `window_secs` and returns the
    /// hits in the current window, this one included. One statement, so concurrent hits from
    /// several nodes all count.
    pub async fn hit_rate_limit(&self, scope: &str, key: &str, now: i64, window_secs: i64) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO rate_limits (scope, key, window_start, hits) VALUES ($1, $2, $3, 1) \
                           ON CONFLICT (scope, key) DO UPDATE SET \
                             hits = CASE WHEN rate_limits.window_start <= $4 THEN 1 ELSE rate_limits.hits + 1 END, \
                             window_start = CASE WHEN rate_limits.window_start <= $4 THEN $3 ELSE rate_limits.window_start END \
                           RETURNING hits";
        let expired_before = now - window_secs;
        on_pool!(self, pool => sqlx::query_scalar(SQL)
            .bind(scope).bind(key).bind(now).bind(expired_before)
            .fetch_one(pool).await)
        .during("hit_rate_limit")
    }

    /// Drops the `scope` counters whose window started before `before`.
    pub async fn purge_rate_limits(&self, scope: &str, before: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM rate_limits WHERE scope = $1 AND window_start < $2";
        on_pool!(self, pool => sqlx::query(SQL).bind(scope).bind(before).execute(pool).await.map(|r| r.rows_affected()))
            .during("purge_rate_limits")
    }
}
