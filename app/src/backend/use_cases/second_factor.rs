//! The second step of logging in for an account with two-factor on: the password was right, so
//! the browser holds a pending sign-in ([`pending_sign_in`]); a current authenticator code or an
//! unused recovery code turns it into a session exactly as a login does.
//!
//! Each try counts toward the account's login throttle, like a password guess: the same
//! progressive delay and lock, shared by every node. A wrong code, a pending sign-in that has
//! expired or ended (a password change or reset ends it) and a held-back try all get the same
//! answer ([`SecondFactorError::Refused`]).

use crate::backend::{
    client::ClientInfo,
    secrets::secret_token::SecretToken,
    state::AppState,
    steps::{
        login_throttle, pending_sign_in,
        proof::{self, Proof},
        sessions,
    },
    store::StoreError,
};

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

/// Finishes the pending sign-in with `proof`; returns the new session's token.
pub async fn finish(
    state: &AppState,
    pending: &SecretToken,
    proof: Proof,
    client: &ClientInfo,
) -> Result<SecretToken, SecondFactorError> {
    let outcome = try_finish(state, pending, proof, client).await;
    state.metrics.second_factor(match &outcome {
        Ok(_) => "success",
        Err(SecondFactorError::Store(_)) => "error",
        Err(_) => "refused",
    });
    outcome
}

async fn try_finish(
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
    if !proof::accept(state, &user, &proof, client).await? {
        tracing::info!(%user_id, "second factor refused");
        attempt.failed_code(state, client).await?;
        return Err(SecondFactorError::Refused);
    }
    attempt.succeeded(state).await?;
    // Ended here, once: of two browsers racing with one pending sign-in, one gets the session.
    if !pending_sign_in::end(state, pending).await? {
        return Err(SecondFactorError::Refused);
    }
    let Some(token) = sessions::start(state, user_id, waiting.credentials_version, client).await? else {
        return Err(SecondFactorError::Refused);
    };
    tracing::info!(%user_id, "login succeeded with the second factor");
    Ok(token)
}
