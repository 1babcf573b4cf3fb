//! The server's check of "New password" and "Confirm new password", shared by Change Password
//! and the reset page: the policy (off the runtime, under the hashing bound) and the match.

use super::{password_hasher::HashError, state::AppState};
use crate::{
    domain::{NewPassword, NewPasswordError},
    error::FieldError,
    password_policy,
};

/// The parsed new password when it passes, and a message for every field that needs one.
pub async fn check(
    state: &AppState,
    email: &str,
    new: &str,
    confirm: &str,
) -> Result<(Option<NewPassword>, Vec<FieldError>), HashError> {
    let policy = state.config.password_policy.clone();
    let context = password_policy::context_words(email, crate::SITE_NAME);
    let candidate = new.to_owned();
    // zxcvbn is CPU-heavy on long inputs: a denial-of-service vector on the async runtime.
    let parsed = state.hasher.bounded(move || NewPassword::parse(&candidate, &policy, &context)).await?;
    let mut errors = Vec::new();
    let parsed = match parsed {
        Ok(parsed) => Some(parsed),
        Err(NewPasswordError::Weak(report)) => {
            // Without JavaScript the error travels in the redirect URL: leave out the words
            // found, which are pieces of the password.
            let problems =
                if super::request::is_plain_form_post() { report.problems_without_words() } else { report.problems() };
            errors.extend(problems.into_iter().map(|p| FieldError::new("new_password", p)));
            None
        }
        Err(other) => {
            errors.push(FieldError::new("new_password", other.to_string()));
            None
        }
    };
    if confirm.is_empty() {
        errors.push(FieldError::new("confirm_password", "Type the new password again."));
    } else if confirm != new {
        errors.push(FieldError::new("confirm_password", "The two new passwords do not match."));
    }
    Ok((parsed, errors))
}
