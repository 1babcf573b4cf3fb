//! Opening a reset link: the token moves from the address bar into a cookie and the browser
//! is sent on to `/reset`, so the token is not left in history, bookmarks or a Referer, with or
//! without JavaScript. Nothing is used up here (mail scanners follow links).

use app::backend::{client::cookies::Jar, secrets::secret_token::SecretToken, AppState};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use http::{header, HeaderValue, Method};

pub async fn take_token_from_url(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() != "/reset" {
        return next.run(req).await;
    }
    let token = (req.method() == Method::GET)
        .then(|| req.uri().query())
        .flatten()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "token"))
        .map(|(_, v)| v.into_owned());
    let mut response = match token {
        Some(token) => {
            let mut redirect = Redirect::to("/reset").into_response();
            // A malformed token is dropped here; the page then says the link does not work.
            let cookie = match SecretToken::parse(&token) {
                Some(token) => Jar::ResetLink.set(&state.config, &token),
                None => Jar::ResetLink.clear(&state.config),
            };
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                redirect.headers_mut().append(header::SET_COOKIE, cookie);
            }
            redirect
        }
        None => next.run(req).await,
    };
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
