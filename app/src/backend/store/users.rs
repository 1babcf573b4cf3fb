use super::{on_pool, transaction::on_tx, unique_violation, During, NewSession, Store, StoreResult, UserId};
use crate::{
    backend::{ids::AccountId, secrets::password_hasher::PasswordHash, store::SealedMail},
    domain::Email,
};

/// What login needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: UserId,
    /// The public id apps know the account by (`sub`).
    #[sqlx(try_from = "String")]
    pub public_id: AccountId,
    #[sqlx(try_from = "String")]
    pub email: Email,
    pub password_hash: PasswordHash,
    pub disabled_at: Option<i64>,
    /// Consecutive failed password checks since the last success or new password.
    pub failed_logins: i64,
    pub last_failed_login_at: Option<i64>,
    /// Moved on by every new password and by "sign out of all other sessions": a session is
    /// only made, and only usable, under the version its password was checked against.
    pub credentials_version: i64,
    /// Failed checks since the last success or new password, whatever the lock gave back.
    pub consecutive_failures: i64,
}

/// What Change Password writes, besides its notice.
pub struct PasswordChange<'a> {
    /// The credentials version under which the current password was checked.
    pub seen_version: i64,
    pub requesting_session: i64,
    pub hash: &'a PasswordHash,
    pub now: i64,
    /// The session that replaces the requesting one.
    pub replacement: NewSession<'a>,
}

/// A line of `portal user list`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserSummary {
    pub email: String,
    #[sqlx(try_from = "String")]
    pub public_id: AccountId,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    pub sessions: i64,
}

impl Store {
    /// A new account, with a fresh public id of its own.
    pub async fn insert_user(&self, email: &Email, password_hash: &PasswordHash, now: i64) -> StoreResult<UserId> {
        const SQL: &str = "INSERT INTO users (email, email_key, password_hash, created_at, updated_at, public_id) \
                           VALUES ($1, $2, $3, $4, $4, $5) RETURNING id";
        on_pool!(self, pool => sqlx::query_scalar(SQL)
            .bind(email.as_str()).bind(email.key()).bind(password_hash.as_phc()).bind(now)
            .bind(AccountId::generate().as_str())
            .fetch_one(pool).await)
        .during("insert_user")
        .map_err(unique_violation)
    }

    pub async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>> {
        const SQL: &str =
            "SELECT id, public_id, email, password_hash, disabled_at, failed_logins, last_failed_login_at, \
                           credentials_version, consecutive_failures FROM users WHERE email_key = $1";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(email.key()).fetch_optional(pool).await)
            .during("find_user_by_email")
    }

    pub async fn find_user_by_id(&self, id: UserId) -> StoreResult<Option<UserRecord>> {
        const SQL: &str =
            "SELECT id, public_id, email, password_hash, disabled_at, failed_logins, last_failed_login_at, \
                           credentials_version, consecutive_failures FROM users WHERE id = $1";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await).during("find_user_by_id")
    }

    /// Change Password, in one transaction: the new hash, only if the credentials are still the
    /// version whose password was checked (`change.seen_version`) and the requesting session
    /// still exists; then every session and reset link of the account ends, `notice` is queued
    /// and `change.replacement` becomes the browser's session under the new version. False
    /// (nothing written) when another new password or a sign-out got there first.
    pub async fn change_password(&self, change: PasswordChange<'_>, notice: &SealedMail) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let user_id = change.replacement.user_id;
        if !tx.ended_session(change.requesting_session).await? {
            return Ok(false);
        }
        let Some(version) =
            tx.apply_new_password(user_id, Some(change.seen_version), change.hash, change.now, notice).await?
        else {
            return Ok(false);
        };
        if tx.insert_session(&change.replacement, version).await?.is_none() {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The same password under a hash with the configured parameters (after a login), unless
    /// the password changed since `version` was read.
    pub async fn update_password_hash(
        &self,
        user_id: UserId,
        version: i64,
        password_hash: &PasswordHash,
        now: i64,
    ) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND credentials_version = $4";
        on_pool!(self, pool => sqlx::query(SQL)
            .bind(password_hash.as_phc()).bind(now).bind(user_id).bind(version)
            .execute(pool).await.map(|_| ()))
        .during("update_password_hash")?;
        Ok(())
    }

    /// Disables (`Some(now)`) or enables (`None`) an account: `None` when there is no such
    /// account, else how many sessions ended. Disabling ends every session and reset link (and
    /// drops reset mail not yet sent) and moves the credentials version on, in one transaction;
    /// enabling brings none of them back.
    pub async fn set_user_disabled(
        &self,
        email: &Email,
        disabled_at: Option<i64>,
        now: i64,
    ) -> StoreResult<Option<u64>> {
        const SQL: &str = "UPDATE users SET disabled_at = $1, updated_at = $2, \
                           credentials_version = credentials_version + 1 WHERE email_key = $3 RETURNING id";
        let mut tx = self.begin().await?;
        let user_id: Option<UserId> = on_tx!(&mut tx, tx => sqlx::query_scalar(SQL)
            .bind(disabled_at).bind(now).bind(email.key())
            .fetch_optional(&mut **tx).await)
        .during("set_user_disabled")?;
        let Some(user_id) = user_id else { return Ok(None) };
        let ended = match disabled_at {
            Some(_) => {
                tx.end_links(user_id, now).await?;
                tx.end_sessions(user_id).await?
            }
            None => 0,
        };
        tx.commit().await?;
        Ok(Some(ended))
    }

    pub async fn list_users(&self, now: i64) -> StoreResult<Vec<UserSummary>> {
        const SQL: &str = "SELECT u.email, u.public_id, u.created_at, u.disabled_at, \
                           (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > $1) AS sessions \
                           FROM users u ORDER BY u.email_key";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(now).fetch_all(pool).await).during("list_users")
    }

    pub async fn count_users(&self) -> StoreResult<i64> {
        on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)
            .during("count_users")
    }
}
