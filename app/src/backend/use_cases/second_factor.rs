//! The second step of logging in for an account with two-factor on: the password was right, so
//! the browser holds a pending sign-in ([`pending_sign_in`]); a current authenticator code or an
//! unused recovery code turns it into a session exactly as a login does.
//!
//! Each try counts toward the login throttle, like a password guess: the same progressive delay
//! and lock, shared by every node. A wrong code and a pending sign-in that has expired or ended
//! (a password change or reset ends it) get the same answer ([`SecondFactorError::Refused`]).
//! A try held back by the throttle is told how long to wait ([`SecondFactorError::MustWait`]):
//! the password is proven, so that reveals nothing new, and a right code is never called wrong.

use crate::backend::{
    client::ClientInfo,
    secrets::secret_token::SecretToken,
    state::AppState,
    steps::{
        login_throttle, pending_sign_in,
        proof::{self, Proof},
        sessions::{self, SignedIn},
    },
    store::StoreError,
};

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    /// A wrong code, or an unknown, expired or ended pending sign-in.
    #[error("second factor refused")]
    Refused,
    /// The throttle holds tries back for now: for `None`, until a new password.
    #[error("too many tries: wait")]
    MustWait(Option<u64>),
    /// The client address has used up its login attempts for now.
    #[error("too many login attempts from this address")]
    TooManyAttempts,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Finishes the pending sign-in with `proof`; returns the new session (and device cookie).
pub async fn finish(
    state: &AppState,
    pending: &SecretToken,
    proof: Proof,
    client: &ClientInfo,
) -> Result<SignedIn, SecondFactorError> {
    let outcome = try_finish(state, pending, proof, client).await;
    state.metrics.second_factor(match &outcome {
        Ok(_) => "success",
        Err(SecondFactorError::Store(_)) => "error",
        Err(SecondFactorError::MustWait(_)) => "held_back",
        Err(_) => "refused",
    });
    outcome
}

async fn try_finish(
    state: &AppState,
    pending: &SecretToken,
    proof: Proof,
    client: &ClientInfo,
) -> Result<SignedIn, SecondFactorError> {
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
    let attempt = login_throttle::begin(state, &user, client)
        .await?
        .or_wait(state.clock.now())
        .map_err(SecondFactorError::MustWait)?;
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
    let Some(signed_in) = sessions::sign_in(state, user_id, waiting.credentials_version, client).await? else {
        return Err(SecondFactorError::Refused);
    };
    tracing::info!(%user_id, "login succeeded with the second factor");
    Ok(signed_in)
}
