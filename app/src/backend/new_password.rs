//! The server's check of a new password typed twice, shared by Change Password, the reset
//! page and `portal user add`: the policy (off the runtime, under the hashing bound) and the
//! match.

use super::{accounts, password_hasher::HashError, state::AppState};
use crate::domain::{NewPassword, NewPasswordError};

/// A new password as a form sends it: typed twice, not yet checked.
#[derive(Clone, Copy)]
pub struct TypedTwice<'a> {
    pub new: &'a str,
    pub confirm: &'a str,
}

/// What is wrong with a new password typed twice, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
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
    email: &str,
    typed: TypedTwice<'_>,
) -> Result<Result<NewPassword, Problems>, HashError> {
    let policy = state.config.password_policy.clone();
    let context = accounts::strength_context(email, &state.config.brand.site_name);
    let candidate = typed.new.to_owned();
    // zxcvbn is CPU-heavy on long inputs: a denial-of-service vector on the async runtime.
    let parsed = state.hasher.bounded(move || NewPassword::parse(&candidate, &policy, &context)).await?;
    let confirm = if typed.confirm.is_empty() {
        Some(Confirmation::Missing)
    } else if typed.confirm != typed.new {
        Some(Confirmation::Differs)
    } else {
        None
    };
    Ok(match parsed {
        Ok(new) if confirm.is_none() => Ok(new),
        Ok(_) => Err(Problems { new: None, confirm }),
        Err(e) => Err(Problems { new: Some(e), confirm }),
    })
}
