//! Server functions, answered with the status their error deserves.
//!
//! Leptos answers every server-function error with 500. Our errors know their status
//! (`AppError::status`), so the response is read back and given it: bad input is a 4xx.
//!
//! Without JavaScript, Leptos sends a refused form back to the page it came from with the
//! error added to that page's address (`__err`), beside any error already there: a person
//! refused three times would carry three. Only the newest is kept.

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
    let mut response = next.run(req).await;
    if response.status().is_redirection() {
        keep_newest_error(&mut response);
    }
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

/// The redirect's `Location` with only its last `__err` (the one just added).
fn keep_newest_error(response: &mut Response) {
    const ERROR_PARAM: &str = "__err";
    let Some(location) = response.headers().get(http::header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return;
    };
    let Some((path, query)) = location.split_once('?') else {
        return;
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    if pairs.iter().filter(|(key, _)| key == ERROR_PARAM).count() < 2 {
        return;
    }
    let newest = pairs.iter().rev().find(|(key, _)| key == ERROR_PARAM).cloned();
    let kept = pairs.iter().filter(|(key, _)| key != ERROR_PARAM).cloned().chain(newest);
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
    if let Ok(value) = http::HeaderValue::from_str(&format!("{path}?{query}")) {
        response.headers_mut().insert(http::header::LOCATION, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_keeps_only_the_newest_error_and_everything_else() {
        let mut response = Response::builder()
            .status(StatusCode::FOUND)
            .header(http::header::LOCATION, "http://portal/login?next=%2Fa&__err=b2xk&__err=bmV3")
            .body(Body::empty())
            .unwrap();
        keep_newest_error(&mut response);
        assert_eq!(response.headers()[http::header::LOCATION], "http://portal/login?next=%2Fa&__err=bmV3");
    }
}
