//! Refuses state-changing requests that a browser sent from another site (CSRF).
//!
//! Browsers say where a request comes from in `Sec-Fetch-Site` (all current ones) or `Origin`.
//! A request carrying neither did not come from a browser page, so it carries no ambient
//! cookie risk and is let through.

use app::backend::AppState;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, Method, StatusCode};

pub async fn refuse_cross_origin_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_origin(&req, &state) {
        return next.run(req).await;
    }
    tracing::warn!(path = req.uri().path(), "refused a cross-origin request");
    (
        StatusCode::FORBIDDEN,
        "This request came from another site and was refused. Open the portal directly and try again.",
    )
        .into_response()
}

fn is_same_origin(req: &Request, state: &AppState) -> bool {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header(http::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    match header(header::ORIGIN) {
        Some(origin) => origin == state.config.public_url.origin().ascii_serialization(),
        None => true,
    }
}
