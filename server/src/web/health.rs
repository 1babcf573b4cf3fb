//! `/healthz` (the process answers) and `/readyz` (it can serve: see
//! `app::backend::use_cases::operations::readiness`), for load balancers and orchestrators. Outside the session layers,
//! and logged at debug level only.

use app::backend::{use_cases::operations, AppState};
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use http::{header, HeaderValue, StatusCode};

pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok")
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match operations::readiness(&state).await {
        Ok(()) => plain(StatusCode::OK, "ready"),
        Err(why) => plain(StatusCode::SERVICE_UNAVAILABLE, &format!("not ready: {why}")),
    }
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], format!("{text}\n"))
        .into_response()
}

/// Probes, asked every few seconds by every balancer, stay out of the info-level request log.
pub fn is_probe(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz")
}
