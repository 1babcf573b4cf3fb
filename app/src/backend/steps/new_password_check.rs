//! The server's check of a new password typed twice, shared by Change Password and the reset
//! page: the policy (off the runtime, under the hashing bound) and the match; and the words a
//! password of an account must not contain, for every check of a new password.

use crate::{
    backend::{secrets::password_hasher::HashError, state::AppState},
    domain::{Email, NewPassword, NewPasswordError},
    password_policy::{self, PasswordPolicy},
};

/// A new password as a form sends it: typed twice, not yet checked.
#[derive(Clone, Copy)]
pub struct TypedTwice<'a> {
    pub new: &'a str,
    pub confirm: &'a str,
}

/// What is wrong with a new password typed twice, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewPasswordProblems {
    /// The first typing, against the policy.
    pub new: Option<NewPasswordError>,
    /// The second typing.
    pub confirm: Option<Confirmation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    Missing,
    Differs,
}

/// The new password when both typings agree and it meets the policy for the account `email`;
/// otherwise every problem found.
pub async fn check(
    state: &AppState,
    email: &Email,
    typed: TypedTwice<'_>,
) -> Result<Result<NewPassword, NewPasswordProblems>, HashError> {
    let policy = state.config.password_policy.clone();
    let (candidate, email, site) = (typed.new.to_owned(), email.clone(), state.config.brand.site_name.clone());
    // zxcvbn is CPU-heavy on long inputs: a denial-of-service vector on the async runtime.
    let parsed = state.hasher.bounded(move || parse(&candidate, &policy, &email, &site)).await?;
    let confirm = if typed.confirm.is_empty() {
        Some(Confirmation::Missing)
    } else if typed.confirm != typed.new {
        Some(Confirmation::Differs)
    } else {
        None
    };
    Ok(match parsed {
        Ok(new) if confirm.is_none() => Ok(new),
        Ok(_) => Err(NewPasswordProblems { new: None, confirm }),
        Err(e) => Err(NewPasswordProblems { new: Some(e), confirm }),
    })
}

/// The words an attacker would try first against this account: pieces of its email address
/// and the site's name.
pub fn strength_context(email: &Email, site_name: &str) -> Vec<String> {
    password_policy::context_words(email.as_str(), site_name)
}

/// `typed` as the new password of the account `email`, if it meets `policy`.
pub fn parse(
    typed: &str,
    policy: &PasswordPolicy,
    email: &Email,
    site_name: &str,
) -> Result<NewPassword, NewPasswordError> {
    NewPassword::parse(typed, policy, &strength_context(email, site_name))
}
