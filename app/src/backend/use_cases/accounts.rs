//! Creating an account: the command line, the tests and the benchmarks all go through here.

use crate::{
    backend::{
        secrets::password_hasher::{HashError, PasswordHasher},
        store::{Store, StoreError, UserId},
    },
    domain::{Email, NewPassword},
};

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("an account with the email address {0} already exists")]
    Exists(Email),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(StoreError),
}

/// Creates an account; returns its id.
pub async fn create(
    store: &Store,
    hasher: &PasswordHasher,
    email: &Email,
    password: &NewPassword,
    now: i64,
) -> Result<UserId, CreateAccountError> {
    let hash = hasher.hash(password.as_password()).await?;
    store.insert_user(email, &hash, now).await.map_err(|e| match e {
        StoreError::DuplicateEmail => CreateAccountError::Exists(email.clone()),
        other => CreateAccountError::Store(other),
    })
}
