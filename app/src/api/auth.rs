use leptos::prelude::*;

use crate::error::AppError;

/// Logs in with an email address and password. On success the browser gets a new session
/// cookie (any session it brought is ended) and goes to `next` when that is a local path.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
    captcha: Option<String>,
    captcha_picture: Option<String>,
    captcha_answer: Option<String>,
) -> Result<(), AppError> {
    use super::request;
    use crate::{
        backend::{captcha::CaptchaAnswer, client::cookies, use_cases::login},
        domain::LocalPath,
    };

    let state = request::app_state()?;
    let refused = |error: AppError| {
        request::keep_typed_email(&email);
        error
    };
    let (parsed, password) = parse_credentials(&email, &password).map_err(refused)?;
    let request = login::LoginRequest {
        email: parsed,
        password,
        captcha: CaptchaAnswer::from_fields(captcha, captcha_picture, captcha_answer),
        client: request::client_info()?,
        previous: request::current_session(),
        pending: pending_sign_in(&state),
    };
    let outcome = login::log_in(&state, request).await.map_err(|e| refused(AppError::from(e)))?;
    let next = LocalPath::parse_or_default(next.as_deref());
    match outcome {
        login::LoginOutcome::Session(signed_in) => {
            hand_over(&state, &signed_in)?;
            forget_reset_link(&state)?;
            leptos_axum::redirect(next.as_str());
        }
        login::LoginOutcome::SecondFactor(pending) => {
            request::set_cookie(&cookies::Jar::PendingSignIn.set(&state.config, &pending))?;
            leptos_axum::redirect(&verify_path(&next));
        }
    }
    Ok(())
}

/// The cookies of a complete sign-in: the session, and a device cookie when the browser had none.
#[cfg(feature = "ssr")]
pub(super) fn hand_over(
    state: &crate::backend::AppState,
    signed_in: &crate::backend::steps::sessions::SignedIn,
) -> Result<(), AppError> {
    use super::request;
    use crate::backend::client::cookies::{self, Jar};
    request::set_cookie(&cookies::session_cookie(&state.config, &signed_in.session))?;
    if let Some(device) = &signed_in.new_device {
        request::set_cookie(&Jar::Device.set(&state.config, device))?;
    }
    Ok(())
}

/// Where a sign-in waiting for its second factor is finished, then goes on to `next`.
#[cfg(feature = "ssr")]
fn verify_path(next: &crate::domain::LocalPath) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    match next.as_str() {
        "/account" => "/login/verify".to_owned(),
        other => format!("/login/verify?next={}", utf8_percent_encode(other, NON_ALPHANUMERIC)),
    }
}

#[cfg(feature = "ssr")]
fn parse_credentials(email: &str, password: &str) -> Result<(crate::domain::Email, crate::domain::Password), AppError> {
    use crate::{
        domain::{Email, Password},
        error::FieldError,
    };
    let email = Email::parse(email).map_err(|e| FieldError::new("email", e));
    let password = Password::parse(password).map_err(|e| FieldError::new("password", e));
    match (email, password) {
        (Ok(email), Ok(password)) => Ok((email, password)),
        (email, password) => Err(AppError::Invalid([email.err(), password.err()].into_iter().flatten().collect())),
    }
}

/// The email address typed into the login or Forgot? form when it was last refused without
/// JavaScript, so the form shown again has it filled in (read once).
#[server(prefix = "/api", endpoint = "typed_email")]
pub async fn typed_email() -> Result<Option<String>, AppError> {
    Ok(super::request::take_typed_email())
}

/// Ends the browser's session and forgets its cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::request;
    use crate::backend::{client::cookies, secrets::secret_token::SecretToken, use_cases::login};

    let state = request::app_state()?;
    let token = request::cookie_value(cookies::Jar::Session, &state.config);
    let pending = pending_sign_in(&state);
    login::log_out(&state, token.as_deref().and_then(SecretToken::parse).as_ref(), pending.as_ref()).await?;
    request::set_cookie(&cookies::clear_session_cookie(&state.config))?;
    if pending.is_some() {
        request::set_cookie(&cookies::Jar::PendingSignIn.clear(&state.config))?;
    }
    forget_reset_link(&state)?;
    leptos_axum::redirect(crate::routes::LOGIN);
    Ok(())
}

/// The sign-in this browser left waiting for its second factor, if its cookie names one.
#[cfg(feature = "ssr")]
fn pending_sign_in(state: &crate::backend::AppState) -> Option<crate::backend::secrets::secret_token::SecretToken> {
    use super::request;
    use crate::backend::{client::cookies::Jar, secrets::secret_token::SecretToken};

    request::cookie_value(Jar::PendingSignIn, &state.config).and_then(|value| SecretToken::parse(&value))
}

/// Login and logout end an open reset page's hold on its link in this browser.
#[cfg(feature = "ssr")]
fn forget_reset_link(state: &crate::backend::AppState) -> Result<(), AppError> {
    use super::request;
    use crate::backend::client::cookies::Jar;

    match request::cookie_value(Jar::ResetLink, &state.config) {
        Some(_) => request::set_cookie(&Jar::ResetLink.clear(&state.config)),
        None => Ok(()),
    }
}
