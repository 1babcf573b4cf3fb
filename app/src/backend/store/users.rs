use super::{on_pool, unique_violation, Store, StoreResult};
use crate::{
    backend::{mail::OutgoingMail, password_hasher::PasswordHash},
    domain::Email,
};

/// What login needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub password_hash: PasswordHash,
    pub disabled_at: Option<i64>,
    /// Consecutive failed password checks since the last success or new password.
    pub failed_logins: i64,
    pub last_failed_login_at: Option<i64>,
}

/// A line of `portal user list`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserSummary {
    pub email: String,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    pub sessions: i64,
}

impl Store {
    pub async fn insert_user(&self, email: &Email, password_hash: &PasswordHash, now: i64) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO users (email, email_key, password_hash, created_at, updated_at) \
                           VALUES ($1, $2, $3, $4, $4) RETURNING id";
        on_pool!(self, pool => sqlx::query_scalar(SQL)
            .bind(email.as_str()).bind(email.key()).bind(password_hash.as_phc()).bind(now)
            .fetch_one(pool).await)
        .map_err(unique_violation)
    }

    pub async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>> {
        const SQL: &str = "SELECT id, email, password_hash, disabled_at, failed_logins, last_failed_login_at \
                           FROM users WHERE email_key = $1";
        Ok(on_pool!(self, pool => sqlx::query_as(SQL).bind(email.key()).fetch_optional(pool).await)?)
    }

    pub async fn find_user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
        const SQL: &str = "SELECT id, email, password_hash, disabled_at, failed_logins, last_failed_login_at \
                           FROM users WHERE id = $1";
        Ok(on_pool!(self, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)?)
    }

    /// Stores a new password hash, forgets failed logins, ends every session and reset link of
    /// the account and queues `mail`, in one transaction.
    pub async fn replace_password(
        &self,
        user_id: i64,
        password_hash: &PasswordHash,
        now: i64,
        notice: &OutgoingMail,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        tx.apply_new_password(user_id, password_hash, now, notice).await?;
        tx.commit().await
    }

    /// The same password under a hash with the configured parameters (after a login).
    pub async fn update_password_hash(&self, user_id: i64, password_hash: &PasswordHash, now: i64) -> StoreResult<()> {
        const SQL: &str = "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3";
        on_pool!(self, pool => sqlx::query(SQL)
            .bind(password_hash.as_phc()).bind(now).bind(user_id)
            .execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Counts one more failed password check, in advance, if the count is still `seen`: one
    /// statement, so of concurrent attempts on any number of nodes exactly one gets each count.
    /// The new count, or `None` when another attempt got there first.
    pub async fn count_login_attempt(&self, user_id: i64, seen: i64, now: i64) -> StoreResult<Option<i64>> {
        const SQL: &str = "UPDATE users SET failed_logins = failed_logins + 1, last_failed_login_at = $1 \
                           WHERE id = $2 AND failed_logins = $3 RETURNING failed_logins";
        Ok(
            on_pool!(self, pool => sqlx::query_scalar(SQL).bind(now).bind(user_id).bind(seen).fetch_optional(pool).await)?,
        )
    }

    pub async fn clear_failed_logins(&self, user_id: i64) -> StoreResult<()> {
        const SQL: &str = "UPDATE users SET failed_logins = 0, last_failed_login_at = NULL WHERE id = $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(user_id).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Disables (`Some(now)`) or enables (`None`) an account; false when there is no such account.
    pub async fn set_user_disabled(&self, email: &Email, disabled_at: Option<i64>, now: i64) -> StoreResult<bool> {
        const SQL: &str = "UPDATE users SET disabled_at = $1, updated_at = $2 WHERE email_key = $3";
        let result = on_pool!(self, pool => sqlx::query(SQL)
            .bind(disabled_at).bind(now).bind(email.key())
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(result == 1)
    }

    pub async fn list_users(&self, now: i64) -> StoreResult<Vec<UserSummary>> {
        const SQL: &str = "SELECT u.email, u.created_at, u.disabled_at, \
                           (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > $1) AS sessions \
                           FROM users u ORDER BY u.email_key";
        Ok(on_pool!(self, pool => sqlx::query_as(SQL).bind(now).fetch_all(pool).await)?)
    }

    pub async fn count_users(&self) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)?)
    }
}
