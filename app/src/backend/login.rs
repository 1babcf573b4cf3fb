//! Checking an email address and password. Unknown address, wrong password, disabled account
//! and an account held back after failed logins take the same work and give the same answer.

use super::{
    login_throttle,
    password_hasher::{HashError, Verification},
    sessions::ClientInfo,
    state::AppState,
    store::StoreError,
};
use crate::domain::{Email, Password};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The client address has used up its login attempts for now.
    #[error("too many login attempts from this address")]
    TooManyAttempts,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The account id when the password is right and the account may log in.
pub async fn authenticate(
    state: &AppState,
    email: &Email,
    password: &Password,
    client: &ClientInfo,
) -> Result<i64, LoginError> {
    if !login_throttle::address_within_budget(state, client).await? {
        return Err(LoginError::TooManyAttempts);
    }
    let user = state.store.find_user_by_email_key(&email.key()).await?;
    let attempt = match &user {
        Some(user) => login_throttle::begin(state, user).await?,
        None => None,
    };
    // One verification whatever the account and its failures, so every refusal costs the same.
    let verdict = state.hasher.verify(password, user.as_ref().map(|u| u.password_hash.as_str())).await?;
    let (Some(user), Some(attempt)) = (user, attempt) else {
        return Err(LoginError::InvalidCredentials);
    };
    let needs_rehash = match verdict {
        Verification::Mismatch => {
            attempt.failed(state);
            return Err(LoginError::InvalidCredentials);
        }
        Verification::Match { .. } if user.disabled_at.is_some() => return Err(LoginError::InvalidCredentials),
        Verification::Match { needs_rehash } => needs_rehash,
    };
    attempt.succeeded(state).await?;
    if needs_rehash {
        // The password is at hand only now: upgrade the hash to the configured parameters.
        match state.hasher.hash(password).await {
            Ok(hash) => state.store.update_password_hash(user.id, &hash, state.clock.now()).await?,
            Err(e) => {
                tracing::warn!(user_id = user.id, error = %e, "could not re-hash a password; keeping the old hash")
            }
        }
    }
    Ok(user.id)
}
