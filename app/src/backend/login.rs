//! Checking an email address and password. Unknown address, wrong password and disabled
//! account take the same work and give the same answer.

use super::{
    password_hasher::{HashError, Verification},
    state::AppState,
    store::StoreError,
};
use crate::domain::{Email, Password};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The account id when the password is right and the account may log in.
pub async fn authenticate(state: &AppState, email: &Email, password: &Password) -> Result<i64, LoginError> {
    let user = state.store.find_user_by_email_key(&email.key()).await?;
    let verdict = state.hasher.verify(password, user.as_ref().map(|u| u.password_hash.as_str())).await?;
    let (user, needs_rehash) = match (user, verdict) {
        (Some(user), Verification::Match { needs_rehash }) if user.disabled_at.is_none() => (user, needs_rehash),
        _ => return Err(LoginError::InvalidCredentials),
    };
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
