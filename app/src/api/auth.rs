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
    use crate::{
        backend::{captcha::CaptchaAnswer, cookies, login, request, sessions},
        domain::LocalPath,
    };

    let state = request::app_state()?;
    let (email, password) = parse_credentials(&email, &password)?;
    let client = request::client_info()?;
    let answer = CaptchaAnswer::from_fields(captcha, captcha_picture, captcha_answer);
    state.captcha.check(&state.store, state.clock.now(), &answer, &client.ip).await?;
    let user_id = login::authenticate(&state, &email, &password, &client).await.inspect_err(|e| {
        tracing::info!(reason = %e, "login refused");
    })?;
    // Rotation: a session the browser already had is ended, never reused.
    if let Some(old) = request::current_session() {
        state.store.delete_session(old.user_id, old.id).await?;
    }
    let token = sessions::start(&state, user_id, &client).await?;
    request::set_cookie(&cookies::session_cookie(&state.config, &token))?;
    tracing::info!(user_id, "login succeeded");
    leptos_axum::redirect(LocalPath::parse_or_default(next.as_deref()).as_str());
    Ok(())
}

#[cfg(feature = "ssr")]
fn parse_credentials(email: &str, password: &str) -> Result<(crate::domain::Email, crate::domain::Password), AppError> {
    use crate::{
        domain::{Email, Password},
        error::FieldError,
    };
    let email = Email::parse(email).map_err(|e| FieldError::new("email", e.to_string()));
    let password = Password::parse(password).map_err(|e| FieldError::new("password", e.to_string()));
    match (email, password) {
        (Ok(email), Ok(password)) => Ok((email, password)),
        (email, password) => Err(AppError::Invalid([email.err(), password.err()].into_iter().flatten().collect())),
    }
}

/// Ends the browser's session and forgets its cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::backend::{cookies, request, secret_token::SecretToken, sessions};

    let state = request::app_state()?;
    if let Some(token) =
        request::cookie_value(cookies::Jar::Session, &state.config).as_deref().and_then(SecretToken::parse)
    {
        sessions::end(&state, &token).await?;
    }
    request::set_cookie(&cookies::clear_session_cookie(&state.config))?;
    leptos_axum::redirect("/login");
    Ok(())
}
