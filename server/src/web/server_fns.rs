//! Server functions, answered with the status their error deserves.
//!
//! Leptos answers every server-function error with 500. Our errors know their status
//! (`AppError::status`), so the response is read back and given it: bad input is a 4xx.

use app::{backend::AppState, error::AppError};
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use http::StatusCode;
use leptos::prelude::provide_context;

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let response = leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req)
        .await
        .into_response();
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
