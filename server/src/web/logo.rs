//! The operator's logo (`PORTAL_LOGO`), served from memory under its content-hashed URL.

use app::backend::config::Logo;
use axum::{
    body::Body,
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use http::{header, HeaderValue, StatusCode};

/// The logo, kept until the file changes (its URL changes with it). An SVG is a document that
/// could run script if opened by itself: it gets a policy that lets it run nothing.
pub async fn serve(State(logo): State<Option<Logo>>, request: Request) -> Response {
    let Some(logo) = logo.filter(|logo| logo.url == request.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(logo.content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            ),
        ],
        Body::from(logo.bytes.to_vec()),
    )
        .into_response()
}
