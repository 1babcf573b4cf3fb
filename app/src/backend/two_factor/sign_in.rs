//! The second step of logging in for an account with two-factor on: the password was right,
//! so the browser holds a pending sign-in (a token in an HttpOnly cookie, only its hash stored)
//! for [`PENDING_SECS`]; a current authenticator code or an unused recovery code turns it into a
//! session exactly as a login does.
//!
//! Each try counts toward the account's login throttle, like a password guess: the same
//! progressive delay and lock, shared by every node. A wrong code, a pending sign-in that has
//! expired or ended (a password change or reset ends it) and a held-back try all get the same
//! answer ([`SecondFactorError::Refused`]).

use super::{recovery_codes::RecoveryCode, totp::AuthCode};
use crate::backend::{
    login_throttle,
    secret_token::SecretToken,
    sessions::{self, ClientInfo},
    state::AppState,
    store::StoreError,
};

/// How long a pending sign-in waits for its code.
pub const PENDING_SECS: i64 = 5 * 60;

/// What proves the second factor.
pub enum Proof {
    Code(AuthCode),
    Recovery(RecoveryCode),
}

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    /// A wrong code, an unknown, expired or ended pending sign-in, or a held-back try.
    #[error("second factor refused")]
    Refused,
    /// The client address has used up its login attempts for now.
    #[error("too many login attempts from this address")]
    TooManyAttempts,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Holds the sign-in of `user_id` (whose password was right under `credentials_version`) until
/// its second factor comes; returns the token for the browser's cookie.
pub async fn hold(state: &AppState, user_id: i64, credentials_version: i64) -> Result<SecretToken, StoreError> {
    let token = SecretToken::generate();
    let now = state.clock.now();
    state.store.create_pending_sign_in(&token.hash(), user_id, credentials_version, now, now + PENDING_SECS).await?;
    tracing::info!(user_id, "password accepted; waiting for the second factor");
    Ok(token)
}

/// Whether `pending` names a sign-in that can still be finished (for the page that asks).
pub async fn is_waiting(state: &AppState, pending: &SecretToken) -> Result<bool, StoreError> {
    Ok(state.store.find_pending_sign_in(&pending.hash(), state.clock.now()).await?.is_some())
}

/// Finishes the pending sign-in with `proof`; returns the new session's token.
pub async fn finish(
    state: &AppState,
    pending: &SecretToken,
    proof: Proof,
    client: &ClientInfo,
) -> Result<SecretToken, SecondFactorError> {
    if !login_throttle::address_within_budget(state, client).await? {
        return Err(SecondFactorError::TooManyAttempts);
    }
    let now = state.clock.now();
    let Some(waiting) = state.store.find_pending_sign_in(&pending.hash(), now).await? else {
        return Err(SecondFactorError::Refused);
    };
    let user_id = waiting.user_id;
    let Some(user) = state.store.find_user_by_id(user_id).await? else {
        return Err(SecondFactorError::Refused);
    };
    let Some(attempt) = login_throttle::begin(state, &user).await? else {
        return Err(SecondFactorError::Refused);
    };
    let accepted = match proof {
        Proof::Code(code) => super::settings::use_code(state, user_id, &code).await?,
        Proof::Recovery(code) => super::settings::use_recovery_code(state, &user, &code, client).await?,
    };
    if !accepted {
        tracing::info!(user_id, "second factor refused");
        attempt.failed_code(state, client).await?;
        return Err(SecondFactorError::Refused);
    }
    attempt.succeeded(state).await?;
    // Ended here, once: of two browsers racing with one pending sign-in, one gets the session.
    if !state.store.end_pending_sign_in(&pending.hash()).await? {
        return Err(SecondFactorError::Refused);
    }
    let Some(token) = sessions::start(state, user_id, waiting.credentials_version, client).await? else {
        return Err(SecondFactorError::Refused);
    };
    tracing::info!(user_id, "login succeeded with the second factor");
    Ok(token)
}

/// Gives up a pending sign-in (the browser logs in again, or leaves).
pub async fn abandon(state: &AppState, pending: &SecretToken) -> Result<(), StoreError> {
    state.store.end_pending_sign_in(&pending.hash()).await.map(|_| ())
}
