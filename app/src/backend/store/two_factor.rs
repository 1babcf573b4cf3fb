//! Two-factor sign-in's records: each account's sealed authenticator secret and the last step
//! it accepted, its recovery codes (hashes), and pending sign-ins (a password accepted, a code
//! still to come). Every "use once" is one conditional UPDATE or DELETE, so of two nodes that
//! check the same code at the same moment exactly one accepts it.

use super::SealedMail;
use super::{on_pool, transaction::on_tx, During, Store, StoreResult, UserId};

const UNUSED_CODES: &str = "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL";

/// An account's authenticator, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TwoFactorRow {
    pub secret_sealed: String,
    pub enabled_at: Option<i64>,
    pub last_step: i64,
    /// When this secret was made (setup) or turned on.
    pub created_at: i64,
}

/// A pending sign-in that can still be finished, and the account it is for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingSignIn {
    pub user_id: UserId,
    pub email: String,
    pub credentials_version: i64,
}

impl Store {
    /// The account's authenticator, enabled or being set up.
    pub async fn two_factor(&self, user_id: UserId) -> StoreResult<Option<TwoFactorRow>> {
        const SQL: &str = "SELECT secret_sealed, enabled_at, last_step, created_at FROM two_factor WHERE user_id = $1";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(user_id).fetch_optional(pool).await).during("two_factor")
    }

    /// Starts setting up: `sealed` replaces a secret still being set up, never an enabled one.
    /// False when two-factor is already on.
    pub async fn begin_two_factor_setup(&self, user_id: UserId, sealed: &str, now: i64) -> StoreResult<bool> {
        const SQL: &str = "INSERT INTO two_factor (user_id, secret_sealed, created_at) VALUES ($1, $2, $3) \
                           ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, \
                           created_at = excluded.created_at, last_step = 0 WHERE two_factor.enabled_at IS NULL";
        let done = on_pool!(self, pool => sqlx::query(SQL).bind(user_id).bind(sealed).bind(now).execute(pool).await.map(|r| r.rows_affected())).during("begin_two_factor_setup")?;
        Ok(done == 1)
    }

    /// Turns two-factor on with the step of the code that confirmed it, stores the recovery
    /// codes' hashes (and, sealed, the codes until they are shown: `fresh`) and queues `mail`,
    /// in one transaction. False when it was not being set up (already on, or never begun).
    pub async fn enable_two_factor(
        &self,
        user_id: UserId,
        step: i64,
        codes: &[[u8; 32]],
        fresh: &str,
        now: i64,
        mail: &SealedMail,
    ) -> StoreResult<bool> {
        const ENABLE: &str = "UPDATE two_factor SET enabled_at = $1, last_step = $2, fresh_codes_sealed = $3 \
                              WHERE user_id = $4 AND enabled_at IS NULL AND last_step < $2";
        let mut tx = self.begin().await?;
        let done = on_tx!(&mut tx, tx => sqlx::query(ENABLE)
            .bind(now).bind(step).bind(fresh).bind(user_id).execute(&mut **tx).await.map(|r| r.rows_affected()))
        .during("enable_two_factor: ENABLE")?;
        if done != 1 {
            return Ok(false);
        }
        tx.replace_recovery_codes(user_id, codes).await?;
        tx.queue_mail(mail, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Accepts `step` for the account if it is later than any accepted before: a code works once.
    pub async fn use_totp_step(&self, user_id: UserId, step: i64) -> StoreResult<bool> {
        const SQL: &str = "UPDATE two_factor SET last_step = $1 \
                           WHERE user_id = $2 AND enabled_at IS NOT NULL AND last_step < $1";
        let done = on_pool!(self, pool => sqlx::query(SQL).bind(step).bind(user_id).execute(pool).await.map(|r| r.rows_affected())).during("use_totp_step")?;
        Ok(done == 1)
    }

    /// Uses up one of the account's recovery codes; how many are left, or `None` when `hash`
    /// is not an unused code of this account. `mail` (given how many are left) is queued with it.
    pub async fn use_recovery_code(
        &self,
        user_id: UserId,
        hash: &[u8; 32],
        now: i64,
        mail: impl FnOnce(i64) -> SealedMail,
    ) -> StoreResult<Option<i64>> {
        const CLAIM: &str = "UPDATE recovery_codes SET used_at = $1 \
                             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL";
        let mut tx = self.begin().await?;
        let claimed = on_tx!(&mut tx, tx => sqlx::query(CLAIM)
            .bind(now).bind(user_id).bind(hash.as_slice()).execute(&mut **tx).await.map(|r| r.rows_affected()))
        .during("use_recovery_code: CLAIM")?;
        if claimed != 1 {
            return Ok(None);
        }
        let left: i64 =
            on_tx!(&mut tx, tx => sqlx::query_scalar(UNUSED_CODES).bind(user_id).fetch_one(&mut **tx).await)
                .during("use_recovery_code: UNUSED_CODES")?;
        tx.queue_mail(&mail(left), now).await?;
        tx.commit().await?;
        Ok(Some(left))
    }

    /// New recovery codes in place of all earlier ones (and, sealed, until shown: `fresh`), and
    /// `mail`, in one transaction.
    pub async fn renew_recovery_codes(
        &self,
        user_id: UserId,
        codes: &[[u8; 32]],
        fresh: &str,
        now: i64,
        mail: &SealedMail,
    ) -> StoreResult<()> {
        const FRESH: &str = "UPDATE two_factor SET fresh_codes_sealed = $1 WHERE user_id = $2";
        let mut tx = self.begin().await?;
        tx.replace_recovery_codes(user_id, codes).await?;
        on_tx!(&mut tx, tx => sqlx::query(FRESH).bind(fresh).bind(user_id).execute(&mut **tx).await.map(|_| ()))
            .during("renew_recovery_codes: FRESH")?;
        tx.queue_mail(mail, now).await?;
        tx.commit().await
    }

    /// Whether recovery codes are waiting to be shown (nothing is taken).
    pub async fn fresh_recovery_codes_waiting(&self, user_id: UserId) -> StoreResult<bool> {
        const SQL: &str = "SELECT COUNT(*) FROM two_factor WHERE user_id = $1 AND fresh_codes_sealed IS NOT NULL";
        let waiting: i64 = on_pool!(self, pool => sqlx::query_scalar(SQL).bind(user_id).fetch_one(pool).await)
            .during("fresh_recovery_codes_waiting")?;
        Ok(waiting > 0)
    }

    /// The sealed recovery codes waiting to be shown, taken: a second call finds none.
    pub async fn take_fresh_recovery_codes(&self, user_id: UserId) -> StoreResult<Option<String>> {
        const READ: &str = "SELECT fresh_codes_sealed FROM two_factor WHERE user_id = $1";
        const TAKE: &str = "UPDATE two_factor SET fresh_codes_sealed = NULL \
                            WHERE user_id = $1 AND fresh_codes_sealed = $2";
        let fresh: Option<Option<String>> =
            on_pool!(self, pool => sqlx::query_scalar(READ).bind(user_id).fetch_optional(pool).await)
                .during("take_fresh_recovery_codes: READ")?;
        let Some(fresh) = fresh.flatten() else {
            return Ok(None);
        };
        let taken = on_pool!(self, pool => sqlx::query(TAKE)
            .bind(user_id).bind(&fresh).execute(pool).await.map(|r| r.rows_affected()))
        .during("take_fresh_recovery_codes: TAKE")?;
        Ok((taken == 1).then_some(fresh))
    }

    /// The account's unused recovery codes.
    pub async fn count_recovery_codes(&self, user_id: UserId) -> StoreResult<i64> {
        on_pool!(self, pool => sqlx::query_scalar(UNUSED_CODES).bind(user_id).fetch_one(pool).await)
            .during("count_recovery_codes: UNUSED_CODES")
    }

    /// Turns two-factor off: the secret, the recovery codes and pending sign-ins go, and
    /// `mail` is queued; with `end_sessions`, every session of the account ends too. False when
    /// it was not on.
    pub async fn disable_two_factor(
        &self,
        user_id: UserId,
        end_sessions: bool,
        now: i64,
        mail: &SealedMail,
    ) -> StoreResult<bool> {
        const OFF: &str = "DELETE FROM two_factor WHERE user_id = $1 AND enabled_at IS NOT NULL";
        const CODES: &str = "DELETE FROM recovery_codes WHERE user_id = $1";
        const PENDING: &str = "DELETE FROM pending_sign_ins WHERE user_id = $1";
        let mut tx = self.begin().await?;
        let off =
            on_tx!(&mut tx, tx => sqlx::query(OFF).bind(user_id).execute(&mut **tx).await.map(|r| r.rows_affected()))
                .during("disable_two_factor: OFF")?;
        if off != 1 {
            return Ok(false);
        }
        on_tx!(&mut tx, tx => sqlx::query(CODES).bind(user_id).execute(&mut **tx).await.map(|r| r.rows_affected()))
            .during("disable_two_factor: CODES")?;
        on_tx!(&mut tx, tx => sqlx::query(PENDING).bind(user_id).execute(&mut **tx).await.map(|r| r.rows_affected()))
            .during("disable_two_factor: PENDING")?;
        if end_sessions {
            tx.end_sessions(user_id).await?;
        }
        tx.queue_mail(mail, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a pending sign-in for the browser holding the token whose hash is `token_hash`.
    pub async fn create_pending_sign_in(
        &self,
        token_hash: &[u8],
        user_id: UserId,
        credentials_version: i64,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO pending_sign_ins \
                           (token_hash, user_id, credentials_version, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        on_pool!(self, pool => sqlx::query(SQL)
            .bind(token_hash).bind(user_id).bind(credentials_version).bind(now).bind(expires_at)
            .execute(pool).await.map(|r| r.rows_affected()))
        .during("create_pending_sign_in")?;
        Ok(())
    }

    /// The pending sign-in, if it has not expired, its account is enabled and its password has
    /// not changed since.
    pub async fn find_pending_sign_in(&self, token_hash: &[u8], now: i64) -> StoreResult<Option<PendingSignIn>> {
        const SQL: &str = "SELECT p.user_id, u.email, p.credentials_version FROM pending_sign_ins p \
                           JOIN users u ON u.id = p.user_id \
                           WHERE p.token_hash = $1 AND p.expires_at > $2 AND u.disabled_at IS NULL \
                           AND u.credentials_version = p.credentials_version";
        on_pool!(self, pool => sqlx::query_as(SQL).bind(token_hash).bind(now).fetch_optional(pool).await)
            .during("find_pending_sign_in")
    }

    /// Ends a pending sign-in (finished, or given up).
    pub async fn end_pending_sign_in(&self, token_hash: &[u8]) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM pending_sign_ins WHERE token_hash = $1";
        let done =
            on_pool!(self, pool => sqlx::query(SQL).bind(token_hash).execute(pool).await.map(|r| r.rows_affected()))
                .during("end_pending_sign_in")?;
        Ok(done == 1)
    }

    /// Removes pending sign-ins that can no longer be finished; run periodically.
    pub async fn purge_pending_sign_ins(&self, now: i64) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM pending_sign_ins WHERE expires_at <= $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(now).execute(pool).await.map(|r| r.rows_affected()))
            .during("purge_pending_sign_ins")
    }
}

impl super::Tx {
    /// The account's recovery codes become `codes` (hashes): earlier ones stop working.
    async fn replace_recovery_codes(&mut self, user_id: UserId, codes: &[[u8; 32]]) -> StoreResult<()> {
        const CLEAR: &str = "DELETE FROM recovery_codes WHERE user_id = $1";
        const INSERT: &str = "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)";
        on_tx!(self, tx => sqlx::query(CLEAR).bind(user_id).execute(&mut **tx).await.map(|r| r.rows_affected()))
            .during("replace_recovery_codes: CLEAR")?;
        for hash in codes {
            on_tx!(self, tx => sqlx::query(INSERT).bind(user_id).bind(hash.as_slice()).execute(&mut **tx).await.map(|r| r.rows_affected())).during("replace_recovery_codes: INSERT")?;
        }
        Ok(())
    }
}
