use super::{on_pool, transaction::on_tx, During, Store, StoreResult, Tx, UserId};
use crate::domain::Email;

/// A session to be stored; only the SHA-256 of its token is kept.
pub struct NewSession<'a> {
    pub user_id: UserId,
    pub token_hash: &'a [u8],
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

/// A session found by its token, with what the request needs of its account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: i64,
    pub user_id: UserId,
    #[sqlx(try_from = "String")]
    pub email: Email,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub disabled_at: Option<i64>,
}

/// A line of the user's session list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: String,
    pub ip: String,
}

/// Inserts the session only while the account's credentials are still at version `$7`: a
/// password checked against an older hash starts nothing.
const INSERT_SESSION: &str = "INSERT INTO sessions \
     (user_id, token_hash, created_at, last_seen_at, expires_at, user_agent, ip, credentials_version) \
     SELECT id, $2, $3, $3, $4, $5, $6, credentials_version FROM users WHERE id = $1 AND credentials_version = $7 \
     RETURNING id";

/// Binds a [`NewSession`] and the credentials version to [`INSERT_SESSION`].
macro_rules! insert_session {
    ($s:expr, $version:expr) => {
        sqlx::query_scalar(INSERT_SESSION)
            .bind($s.user_id)
            .bind($s.token_hash)
            .bind($s.now)
            .bind($s.expires_at)
            .bind($s.user_agent)
            .bind($s.ip)
            .bind($version)
    };
}

impl Store {
    /// The new session's id, or `None` when the account's credentials are no longer at
    /// `credentials_version` (its password changed after it was checked).
    pub async fn insert_session(&self, s: &NewSession<'_>, credentials_version: i64) -> StoreResult<Option<i64>> {
        on_pool!(self, pool => insert_session!(s, credentials_version).fetch_optional(pool).await)
            .during("insert_session")
    }

    /// The session with this token, if it was made under the account's current credentials.
    pub async fn find_session(&self, token_hash: &[u8]) -> StoreResult<Option<SessionRecord>> {
        const SQL: &str = "SELECT s.id, s.user_id, u.email, s.last_seen_at, s.expires_at, u.disabled_at \
                           FROM sessions s JOIN users u ON u.id = s.user_id \
                           WHERE s.token_hash = $1 AND s.credentials_version = u.credentials_version";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(token_hash).fetch_optional(pool).await).during("find_session")
    }

    pub async fn touch_session(&self, id: i64, now: i64) -> StoreResult<()> {
        const SQL: &str = "UPDATE sessions SET last_seen_at = $1 WHERE id = $2";
        on_pool!(self, pool => sqlx::query(SQL).bind(now).bind(id).execute(pool).await.map(|_| ()))
            .during("touch_session")?;
        Ok(())
    }

    /// Sessions that are neither past their absolute expiry nor idle since `idle_cutoff`.
    pub async fn list_sessions(&self, user_id: UserId, now: i64, idle_cutoff: i64) -> StoreResult<Vec<SessionRow>> {
        const SQL: &str = "SELECT id, created_at, last_seen_at, user_agent, ip FROM sessions \
                           WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 \
                           ORDER BY last_seen_at DESC, id DESC";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(user_id).bind(now).bind(idle_cutoff).fetch_all(pool).await)
            .during("list_sessions")
    }

    /// Deletes one session of the user; false when it was not theirs or no longer exists.
    pub async fn delete_session(&self, user_id: UserId, id: i64) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM sessions WHERE id = $1 AND user_id = $2";
        let n = on_pool!(self, pool => sqlx::query(SQL).bind(id).bind(user_id).execute(pool).await.map(|r| r.rows_affected())).during("delete_session")?;
        Ok(n == 1)
    }

    pub async fn delete_session_by_token(&self, token_hash: &[u8]) -> StoreResult<()> {
        const SQL: &str = "DELETE FROM sessions WHERE token_hash = $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(token_hash).execute(pool).await.map(|_| ()))
            .during("delete_session_by_token")?;
        Ok(())
    }

    /// Ends every session of the user except `keep`, and moves the credentials version on (with
    /// `keep`), so that a login whose password check is still under way starts nothing. `None`
    /// when `keep` itself no longer exists.
    pub async fn delete_other_sessions(&self, user_id: UserId, keep: i64) -> StoreResult<Option<u64>> {
        const BUMP: &str = "UPDATE users SET credentials_version = credentials_version + 1 WHERE id = $1 \
                            RETURNING credentials_version";
        const KEEP: &str = "UPDATE sessions SET credentials_version = $1 WHERE id = $2 AND user_id = $3";
        const OTHERS: &str = "DELETE FROM sessions WHERE user_id = $1 AND id <> $2";
        let mut tx = self.begin().await?;
        let version: i64 = on_tx!(&mut tx, tx => sqlx::query_scalar(BUMP).bind(user_id).fetch_one(&mut **tx).await)
            .during("delete_other_sessions: BUMP")?;
        let kept = on_tx!(&mut tx, tx => sqlx::query(KEEP)
            .bind(version).bind(keep).bind(user_id)
            .execute(&mut **tx).await.map(|r| r.rows_affected()))
        .during("delete_other_sessions: KEEP")?;
        if kept != 1 {
            return Ok(None);
        }
        let ended = on_tx!(&mut tx, tx => sqlx::query(OTHERS)
            .bind(user_id).bind(keep)
            .execute(&mut **tx).await.map(|r| r.rows_affected()))
        .during("delete_other_sessions: OTHERS")?;
        tx.commit().await?;
        Ok(Some(ended))
    }

    /// Removes sessions past their absolute expiry or idle since `idle_cutoff`.
    pub async fn purge_sessions(&self, now: i64, idle_cutoff: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2";
        on_pool!(self, pool => sqlx::query(SQL).bind(now).bind(idle_cutoff).execute(pool).await.map(|r| r.rows_affected())).during("purge_sessions")
    }
}

impl Tx {
    /// [`Store::insert_session`], inside a transaction.
    pub async fn insert_session(&mut self, s: &NewSession<'_>, credentials_version: i64) -> StoreResult<Option<i64>> {
        on_tx!(self, tx => insert_session!(s, credentials_version).fetch_optional(&mut **tx).await)
            .during("insert_session")
    }

    /// Ends one session; false when it no longer existed.
    pub async fn ended_session(&mut self, id: i64) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM sessions WHERE id = $1";
        let n = on_tx!(self, tx => sqlx::query(SQL).bind(id).execute(&mut **tx).await.map(|r| r.rows_affected()))
            .during("ended_session")?;
        Ok(n == 1)
    }
}
