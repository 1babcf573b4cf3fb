//! Finds the request's session from its cookie, and keeps signed-in pages for the signed in.

use app::backend::{
    client::cookies, secrets::secret_token::SecretToken, steps::proof, steps::sessions,
    steps::sessions::CurrentSession, AppState,
};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use http::{header, HeaderValue, Method, StatusCode};

/// Puts the [`CurrentSession`] into the request's extensions when the cookie names a live
/// session; tells the browser to drop a cookie that names none.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut stale_cookie = false;
    if let Some(value) = cookies::Jar::Session.value(req.headers(), &state.config) {
        let found = match SecretToken::parse(&value) {
            Some(token) => sessions::resolve(&state, &token).await,
            None => Ok(None),
        };
        match found {
            Ok(Some(session)) => {
                req.extensions_mut().insert(session);
            }
            Ok(None) => stale_cookie = true,
            Err(e) => {
                tracing::error!(error = ?e, "cannot look up a session");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is unavailable right now. Please try again in a moment.",
                )
                    .into_response();
            }
        }
    }
    let mut response = next.run(req).await;
    if stale_cookie && !response.headers().contains_key(header::SET_COOKIE) {
        if let Ok(clear) = HeaderValue::from_str(&cookies::clear_session_cookie(&state.config)) {
            response.headers_mut().append(header::SET_COOKIE, clear);
        }
    }
    response
}

/// Signed-in pages send visitors without a session to the login page, remembering where they
/// were going; the login page sends the signed in to their account. With
/// `PORTAL_REQUIRE_2FA`, an account without two-factor sign-in sees only its setup.
pub async fn guard_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let signed_in = req.extensions().get::<CurrentSession>().is_some();
    let protected = path == "/account" || path.starts_with("/account/");
    if protected && !signed_in {
        let target = req.uri().path_and_query().map_or(path, |pq| pq.as_str());
        let next_param: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next_param}")).into_response();
    }
    if path == "/login" && signed_in {
        return Redirect::to("/account").into_response();
    }
    if let (true, true, Some(session)) =
        (state.config.require_two_factor, protected, req.extensions().get::<CurrentSession>())
    {
        const SETUP: [&str; 2] = ["/account/security/setup", "/account/security/recovery-codes"];
        if !SETUP.contains(&path) {
            match proof::is_on(&state, session.user_id).await {
                Ok(true) => {}
                Ok(false) => return Redirect::to(SETUP[0]).into_response(),
                Err(e) => {
                    tracing::error!(error = ?e, "cannot look up two-factor sign-in");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
        }
    }
    next.run(req).await
}

/// With `PORTAL_REQUIRE_2FA`, a session made with the password alone calls no server function
/// but the setup ones (and logout): for every other, the request goes on without its session, so
/// the function answers as to someone signed out. A new function is held to this by default.
pub async fn guard_functions(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    const SETUP: [&str; 4] =
        ["/api/two_factor_setup", "/api/enable_two_factor", "/api/fresh_recovery_codes", "/api/logout"];
    let path = req.uri().path();
    let guarded = state.config.require_two_factor && path.starts_with("/api/") && !SETUP.contains(&path);
    if let (true, Some(session)) = (guarded, req.extensions().get::<CurrentSession>()) {
        match proof::is_on(&state, session.user_id).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!("server function refused: two-factor sign-in is required and not yet on");
                req.extensions_mut().remove::<CurrentSession>();
            }
            Err(e) => {
                tracing::error!(error = ?e, "cannot look up two-factor sign-in");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    next.run(req).await
}
