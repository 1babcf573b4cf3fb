use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, password_policy::PasswordPolicy};

/// What the new-password fields need to check a password in the browser exactly as the
/// server will: the policy, and the words about the account that must not appear in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasswordContext {
    pub policy: PasswordPolicy,
    pub context_words: Vec<String>,
}

impl NewPasswordContext {
    /// The context of a new password for the account `email` on this portal.
    #[cfg(feature = "ssr")]
    pub fn for_account(state: &crate::backend::AppState, email: &crate::domain::Email) -> Self {
        use crate::backend::steps::new_password_check;
        Self {
            policy: state.config.password_policy.clone(),
            context_words: new_password_check::strength_context(email, &state.config.brand.site_name),
        }
    }
}

/// What the Change Password page needs: the new-password fields' context, and whether a
/// change was just saved without JavaScript (shown once: a reload does not repeat it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePasswordContext {
    pub fields: NewPasswordContext,
    pub just_changed: bool,
}

/// The word the notice cookie carries after a change saved without JavaScript.
#[cfg(feature = "ssr")]
const CHANGED: &str = "password-changed";

/// The policy and context words for the signed-in account's Change Password form.
#[server(prefix = "/api", endpoint = "password_form_context")]
pub async fn password_form_context() -> Result<ChangePasswordContext, AppError> {
    use super::request;
    use crate::backend::client::cookies::Jar;

    let state = request::app_state()?;
    let session = request::require_session()?;
    let just_changed = request::cookie_value(Jar::Notice, &state.config).as_deref() == Some(CHANGED);
    if just_changed {
        request::set_cookie(&Jar::Notice.clear(&state.config))?;
    }
    Ok(ChangePasswordContext { fields: NewPasswordContext::for_account(&state, &session.email), just_changed })
}

/// Changes the signed-in user's password. On success every other session ends, this one gets
/// a new id, and a "Your password was changed" email is queued.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::{
        backend::{client::cookies, steps::new_password_check::TypedTwice, use_cases::password_change},
        domain::Password,
    };

    let state = request::app_state()?;
    let session = request::require_session()?;
    let change = password_change::ChangeRequest {
        current: Password::parse(&current_password).ok(),
        new: TypedTwice { new: &new_password, confirm: &confirm_password },
    };
    let token = password_change::change(&state, &session, &request::client_info()?, change).await?;
    request::set_cookie(&cookies::session_cookie(&state.config, &token))?;
    if request::is_plain_form_post() {
        // Without JavaScript the page is rendered again; a one-time cookie tells it to confirm.
        request::set_cookie(&cookies::Jar::Notice.set_notice(&state.config, CHANGED))?;
        leptos_axum::redirect(crate::routes::CHANGE_PASSWORD);
    }
    Ok(())
}
