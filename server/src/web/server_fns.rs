//! Server functions, answered with the status their error deserves.
//!
//! Leptos answers every server-function error with 500. Our errors know their status
//! (`AppError::status`), so the response is read back and given it: bad input is a 4xx.
//! (A form posted without JavaScript is answered with a redirect instead:
//! `refused_forms.rs`.)

use app::error::AppError;
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::StatusCode;

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Middleware over the server-function routes (which `leptos_routes` registers).
pub async fn error_status(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = match error {
            AppError::TooManyRequests { retry_after_secs } => Some(retry_after_secs),
            AppError::TooManyTries { wait_secs } => wait_secs,
            _ => None,
        };
        if let Some(secs) = retry_after {
            parts.headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
