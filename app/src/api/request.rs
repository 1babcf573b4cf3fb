//! The glue between a server function (or a page rendered on the server) and its HTTP request:
//! the state, the client, the session the server resolved, cookies in and out, the path, the
//! response's status and headers. The only place that reads Leptos's request context.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::{
    backend::{
        client::address, client::cookies::Jar, client::ClientInfo, config::Config, secrets::secret_token::SecretToken,
        steps::sessions::CurrentSession, AppState,
    },
    error::AppError,
};

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
    let address = address::identify(peer, &parts.headers, &state.config.client_address);
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let device =
        cookie_value(Jar::Device, &state.config).and_then(|value| SecretToken::parse(&value)).map(|t| t.hash());
    Ok(ClientInfo { ip: address.ip, budget_key: address.budget_key, user_agent, device })
}

/// True for a POST: a server function called by the page's own script or a form (both checked
/// to be same-origin before they get here); false while a page is rendered for a GET.
pub fn is_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| parts.method == http::Method::POST)
}

/// True for a plain HTML form post (no JavaScript): the browser expects a redirect back.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|p| p.headers.get(header::ACCEPT)?.to_str().ok().map(|a| a.contains("text/html")))
        .unwrap_or(false)
}

/// Whether the request says it was posted from the page at `path` (its `Referer`).
pub fn posted_from(path: &str) -> bool {
    use_context::<Parts>()
        .and_then(|p| p.headers.get(header::REFERER)?.to_str().ok().map(str::to_owned))
        .and_then(|referer| url::Url::parse(&referer).ok())
        .is_some_and(|referer| referer.path() == path)
}

/// Whether the path of the page being rendered is one of `paths` (read in place: every /login
/// render asks).
pub fn path_is_one_of(paths: &[&str]) -> bool {
    use_context::<Parts>().is_some_and(|parts| paths.contains(&parts.uri.path()))
}

/// Sets the status of the page being rendered (a page that shows "not found" answers 404).
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(status);
    }
}

/// Adds a header to the response of the page being rendered.
pub fn insert_header(name: header::HeaderName, value: HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.insert_header(name, value);
    }
}

/// The origins a third-party captcha loads from, when the operator chose one.
pub fn captcha_origins() -> Option<&'static str> {
    use_context::<AppState>()?.captcha.provider().map(|provider| provider.origins())
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    let value = HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

/// The raw value of one of the portal's cookies, if the request carries it.
pub fn cookie_value(jar: Jar, config: &Config) -> Option<String> {
    jar.value(&use_context::<Parts>()?.headers, config)
}

/// The longest email address kept for the page shown again (RFC 5321 allows 254 characters).
const MAX_TYPED_EMAIL_BYTES: usize = 320;

/// After a refused plain form post (no JavaScript), hands the browser the email address it
/// typed in a one-minute cookie, so the form shown again has it filled in (and after Forgot?'s
/// request, so its reply repeats it). A script keeps its form as it is, so nothing is sent
/// then. Never a password.
pub fn keep_typed_email(email: &str) {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

    let Ok(state) = app_state() else { return };
    if !is_plain_form_post() {
        return;
    }
    let mut end = email.len().min(MAX_TYPED_EMAIL_BYTES);
    while !email.is_char_boundary(end) {
        end -= 1;
    }
    let encoded = URL_SAFE_NO_PAD.encode(email[..end].trim());
    let _ = set_cookie(&Jar::TypedEmail.set_notice(&state.config, &encoded));
}

/// The email address [`keep_typed_email`] kept, read once: the cookie is cleared.
pub fn take_typed_email() -> Option<String> {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

    let state = app_state().ok()?;
    let encoded = cookie_value(Jar::TypedEmail, &state.config)?;
    let _ = set_cookie(&Jar::TypedEmail.clear(&state.config));
    let bytes = URL_SAFE_NO_PAD.decode(encoded).ok().filter(|b| b.len() <= MAX_TYPED_EMAIL_BYTES)?;
    String::from_utf8(bytes).ok().filter(|email| !email.chars().any(char::is_control))
}

/// Why a form posted without JavaScript was refused: the server function's path and its error
/// as Leptos encodes it (its JSON, in URL-safe base64). The server carries it in a one-time
/// cookie to the page the browser is sent back to and puts it in that request's extensions;
/// [`App`](crate::App) hands it to the page's `ServerAction`, which shows it.
///
/// Whoever forges the cookie chooses only among the portal's own sentences, as with any
/// error: an error's wire form carries codes, never words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedForm {
    pub server_fn: String,
    pub error: String,
}

impl RefusedForm {
    /// The longest cookie value read back: a refusal lists a handful of field errors.
    const MAX_COOKIE_BYTES: usize = 2048;

    /// The cookie's value: `path|error`, both made of characters a cookie may hold.
    pub fn cookie_value(&self) -> String {
        format!("{}|{}", self.server_fn, self.error)
    }

    /// Reads a cookie value back; anything but a server function's path and base64 is dropped.
    pub fn parse(value: &str) -> Option<Self> {
        if value.len() > Self::MAX_COOKIE_BYTES {
            return None;
        }
        let (server_fn, error) = value.split_once('|')?;
        let path_ok = server_fn.starts_with("/api/")
            && server_fn.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'));
        let error_ok =
            !error.is_empty() && error.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='));
        (path_ok && error_ok).then(|| Self { server_fn: server_fn.to_owned(), error: error.to_owned() })
    }
}

/// The refusal the server carried to the page being rendered, if any.
pub fn refused_form() -> Option<RefusedForm> {
    use_context::<Parts>()?.extensions.get::<RefusedForm>().cloned()
}
