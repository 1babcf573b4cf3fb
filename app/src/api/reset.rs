use leptos::prelude::*;

use crate::{api::NewPasswordContext, error::AppError};

/// "Forgot?": always the same answer, whether or not the address has an account.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(
    email: String,
    captcha: Option<String>,
    captcha_picture: Option<String>,
    captcha_answer: Option<String>,
) -> Result<(), AppError> {
    use super::request;
    use crate::{
        backend::{captcha::CaptchaAnswer, use_cases::password_reset},
        domain::Email,
    };

    let state = request::app_state()?;
    let refused = |error: AppError| {
        request::keep_typed_email(&email);
        error
    };
    let parsed = Email::parse(&email).map_err(|e| refused(AppError::field("email", e)))?;
    let answer = CaptchaAnswer::from_fields(captcha, captcha_picture, captcha_answer);
    password_reset::request(&state, parsed, &answer, request::client_info()?).await.map_err(|e| refused(e.into()))?;
    state.metrics.reset_requests.inc();
    if request::is_plain_form_post() {
        // The reply repeats the address; the page's address does not carry it.
        request::keep_typed_email(&email);
        leptos_axum::redirect("/forgot?sent=1");
    }
    Ok(())
}

/// How long a reset link works, in words ("2 hours"), for the Forgot? page to promise.
#[server(prefix = "/api", endpoint = "reset_link_lifetime")]
pub async fn reset_link_lifetime() -> Result<String, AppError> {
    let state = super::request::app_state()?;
    Ok(state.config.reset_link_lifetime_words())
}

/// What the reset page shows and checks with: the account it is for, masked, and the policy
/// and context words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetPageContext {
    /// "a••@example.com"
    pub account: String,
    pub fields: NewPasswordContext,
}

/// The reset page's context, if its link still works.
#[server(prefix = "/api", endpoint = "reset_form_context")]
pub async fn reset_form_context() -> Result<ResetPageContext, AppError> {
    use super::request;
    use crate::backend::{client::cookies::Jar, use_cases::password_reset};

    let state = request::app_state()?;
    let token = request::cookie_value(Jar::ResetLink, &state.config);
    let (_, link) = password_reset::live_link(&state, token.as_deref(), &request::client_info()?).await?;
    Ok(ResetPageContext { account: link.email.masked(), fields: NewPasswordContext::for_account(&state, &link.email) })
}

/// Sets a new password with the link the browser opened. The user then logs in.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(new_password: String, confirm_password: String) -> Result<(), AppError> {
    use super::request;
    use crate::backend::{client::cookies::Jar, steps::new_password_check::TypedTwice, use_cases::password_reset};

    let state = request::app_state()?;
    let token = request::cookie_value(Jar::ResetLink, &state.config);
    let typed = TypedTwice { new: &new_password, confirm: &confirm_password };
    password_reset::complete(&state, &request::client_info()?, token.as_deref(), typed).await?;
    state.metrics.reset_links_used.inc();
    request::set_cookie(&Jar::ResetLink.clear(&state.config))?;
    request::set_cookie(&Jar::Session.clear(&state.config))?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}
