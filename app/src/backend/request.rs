//! What a server function reads from its request, and how internal errors become [`AppError`].

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use super::{
    login::LoginError,
    password_hasher::HashError,
    sessions::{ClientInfo, CurrentSession},
    state::AppState,
    store::StoreError,
};
use crate::error::AppError;

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the server function context");
        AppError::Internal
    })
}

/// The session the server resolved from the cookie, if any.
pub fn current_session() -> Option<CurrentSession> {
    use_context::<Parts>()?.extensions.get::<CurrentSession>().cloned()
}

/// The signed-in session, or [`AppError::Unauthenticated`].
pub fn require_session() -> Result<CurrentSession, AppError> {
    current_session().ok_or(AppError::Unauthenticated)
}

pub fn client_info() -> Result<ClientInfo, AppError> {
    let parts = parts()?;
    let state = app_state()?;
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    let ip = super::client_address::resolve(peer, &parts.headers, &state.config.client_address)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    Ok(ClientInfo { ip, user_agent })
}

/// True for a plain HTML form post (no JavaScript): the browser expects a redirect back.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|p| p.headers.get(header::ACCEPT)?.to_str().ok().map(|a| a.contains("text/html")))
        .unwrap_or(false)
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    let value = HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::DuplicateEmail => {
                AppError::field("email", "An account with this email address already exists.")
            }
            other => {
                tracing::error!(error = ?other, "storage failed");
                match other {
                    StoreError::Database(sqlx::Error::PoolTimedOut) => AppError::Unavailable,
                    _ => AppError::Internal,
                }
            }
        }
    }
}

impl From<HashError> for AppError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => {
                tracing::warn!("password hashing saturated; answering 503");
                AppError::Unavailable
            }
            HashError::Failed(cause) => {
                tracing::error!(%cause, "password hashing failed");
                AppError::Internal
            }
        }
    }
}

impl From<LoginError> for AppError {
    fn from(err: LoginError) -> Self {
        match err {
            LoginError::InvalidCredentials => AppError::InvalidCredentials,
            LoginError::TooManyAttempts => AppError::TooManyRequests,
            LoginError::Hash(e) => e.into(),
            LoginError::Store(e) => e.into(),
        }
    }
}

/// The raw value of one of the portal's cookies, if the request carries it.
pub fn cookie_value(jar: super::cookies::Jar, config: &super::config::Config) -> Option<String> {
    jar.value(&use_context::<Parts>()?.headers, config)
}
