//! The second factor, wherever it is asked for (the second login step, new recovery codes,
//! turning two-factor off): an authenticator code, used once per 30-second step, or a recovery
//! code, used once and told to the owner.

use crate::backend::{
    client::ClientInfo,
    mail::templates,
    secrets::{recovery_codes::RecoveryCode, totp::AuthCode},
    state::AppState,
    steps::notice::Notice,
    store::UserId,
    store::{StoreError, UserRecord},
};

/// What proves the second factor.
pub enum Proof {
    Code(AuthCode),
    Recovery(RecoveryCode),
}

/// Whether the account has two-factor on.
pub async fn is_on(state: &AppState, user_id: UserId) -> Result<bool, StoreError> {
    Ok(state.store.two_factor(user_id).await?.is_some_and(|row| row.enabled_at.is_some()))
}

/// Uses `proof` up for `user`; false when it is not a current code or an unused recovery code.
pub async fn accept(
    state: &AppState,
    user: &UserRecord,
    proof: &Proof,
    client: &ClientInfo,
) -> Result<bool, StoreError> {
    match proof {
        Proof::Code(code) => use_code(state, user.id, code).await,
        Proof::Recovery(code) => use_recovery_code(state, user, code, client).await,
    }
}

/// Accepts `code` for the account if it is current and its step unused; the step is used up.
async fn use_code(state: &AppState, user_id: UserId, code: &AuthCode) -> Result<bool, StoreError> {
    let Some(row) = state.store.two_factor(user_id).await?.filter(|row| row.enabled_at.is_some()) else {
        return Ok(false);
    };
    let Ok(secret) = state.two_factor.open(user_id, &row.secret_sealed) else {
        tracing::error!(%user_id, "an authenticator secret cannot be opened (was PORTAL_SECRET_KEY changed?)");
        return Ok(false);
    };
    match secret.accepts(code, state.clock.now(), row.last_step) {
        // One conditional UPDATE: of two nodes checking one code at once, one accepts it.
        Some(step) => state.store.use_totp_step(user_id, step).await,
        None => Ok(false),
    }
}

/// Uses up one of the account's recovery codes, telling the account (and how many are left);
/// false when `code` is not an unused code of it.
async fn use_recovery_code(
    state: &AppState,
    user: &UserRecord,
    code: &RecoveryCode,
    client: &ClientInfo,
) -> Result<bool, StoreError> {
    let notice = Notice::from_client(state, client);
    let mail =
        |left| notice.seal(|config, occasion| templates::recovery_code_used(config, &user.email, occasion, left));
    let used = state.store.use_recovery_code(user.id, &code.hash(), notice.when(), mail).await?.is_some();
    if used {
        notice.committed();
    }
    Ok(used)
}
