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
    use crate::{
        backend::{captcha::CaptchaAnswer, password_reset, request},
        domain::Email,
    };

    let state = request::app_state()?;
    let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
    let client = request::client_info()?;
    let answer = CaptchaAnswer::from_fields(captcha, captcha_picture, captcha_answer);
    state.captcha.check(&state.store, state.clock.now(), &answer, &client.ip).await?;
    password_reset::request(&state, email, client);
    if request::is_plain_form_post() {
        leptos_axum::redirect("/forgot?sent=1");
    }
    Ok(())
}

/// The policy and context words for the reset page, if its link still works.
#[server(prefix = "/api", endpoint = "reset_form_context")]
pub async fn reset_form_context() -> Result<NewPasswordContext, AppError> {
    use crate::backend::{cookies::Jar, password_reset, request};

    let state = request::app_state()?;
    let token = request::cookie_value(Jar::ResetLink, &state.config);
    let (_, link) = password_reset::live_link(&state, token.as_deref(), &request::client_info()?).await?;
    Ok(NewPasswordContext {
        policy: state.config.password_policy.clone(),
        context_words: crate::password_policy::context_words(&link.email, crate::SITE_NAME),
    })
}

/// Sets a new password with the link the browser opened. The user then logs in.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(new_password: String, confirm_password: String) -> Result<(), AppError> {
    use crate::backend::{cookies::Jar, password_reset, request};

    let state = request::app_state()?;
    let token = request::cookie_value(Jar::ResetLink, &state.config);
    let input =
        password_reset::NewPasswordInput { token: token.as_deref(), new: &new_password, confirm: &confirm_password };
    password_reset::complete(&state, &request::client_info()?, input).await?;
    request::set_cookie(&Jar::ResetLink.clear(&state.config))?;
    request::set_cookie(&Jar::Session.clear(&state.config))?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}
