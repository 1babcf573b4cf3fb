//! Accounts: creating one (the command line, the tests and the benchmarks all go through
//! here), and the words a password of the account must not contain.

use super::{
    password_hasher::{HashError, PasswordHasher},
    store::{Store, StoreError},
};
use crate::{
    domain::{Email, NewPassword, NewPasswordError},
    password_policy::{self, PasswordPolicy},
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

/// The words an attacker would try first against this account: pieces of its email address
/// and the site's name. Every strength check of a new password uses these.
pub fn strength_context(email: &str, site_name: &str) -> Vec<String> {
    password_policy::context_words(email, site_name)
}

/// `typed` as the new password of the account `email`, if it meets `policy`.
pub fn parse_password(
    typed: &str,
    policy: &PasswordPolicy,
    email: &Email,
    site_name: &str,
) -> Result<NewPassword, NewPasswordError> {
    NewPassword::parse(typed, policy, &strength_context(email.as_str(), site_name))
}

/// Creates an account; returns its id.
pub async fn create(
    store: &Store,
    hasher: &PasswordHasher,
    email: &Email,
    password: &NewPassword,
    now: i64,
) -> Result<i64, CreateAccountError> {
    let hash = hasher.hash(password.as_password()).await?;
    store.insert_user(email, &hash, now).await.map_err(|e| match e {
        StoreError::DuplicateEmail => CreateAccountError::Exists(email.clone()),
        other => CreateAccountError::Store(other),
    })
}
