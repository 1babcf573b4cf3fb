//! A sign-in whose password was right, waiting for its second factor: a token in an HttpOnly
//! cookie (only its hash stored) for [`PENDING_SIGN_IN_SECS`], under the credentials version the
//! password was checked against.

use crate::backend::{
    config::PENDING_SIGN_IN_SECS, secrets::secret_token::SecretToken, state::AppState, store::StoreError, store::UserId,
};

/// Holds the sign-in of `user_id` (whose password was right under `credentials_version`) until
/// its second factor comes; returns the token for the browser's cookie.
pub async fn hold(state: &AppState, user_id: UserId, credentials_version: i64) -> Result<SecretToken, StoreError> {
    let token = SecretToken::generate();
    let now = state.clock.now();
    state
        .store
        .create_pending_sign_in(&token.hash(), user_id, credentials_version, now, now + PENDING_SIGN_IN_SECS)
        .await?;
    tracing::info!(%user_id, "password accepted; waiting for the second factor");
    Ok(token)
}

/// Ends a pending sign-in: finished, or given up (the browser logs in again, or leaves). False
/// when it had ended already: of two browsers racing with one, one ends it.
pub async fn end(state: &AppState, pending: &SecretToken) -> Result<bool, StoreError> {
    state.store.end_pending_sign_in(&pending.hash()).await
}
