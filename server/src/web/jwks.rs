//! `GET /oidc/jwks`: the public keys relying parties check the portal's ID tokens with. The set
//! comes from the database, so every node publishes the same one; outside the session layers
//! (a relying party has no session), and readable from any origin (it is public by design).

use app::backend::{steps::id_token::JWKS_MAX_AGE, use_cases::oidc_keys, AppState};
use axum::{
    extract::State,
    response::{IntoResponse, Response},
    Json,
};
use http::{header, HeaderValue, StatusCode};

pub async fn serve(State(state): State<AppState>) -> Response {
    match oidc_keys::jwks(&state).await {
        Ok(set) => {
            let cache = format!("public, max-age={}", JWKS_MAX_AGE.as_secs());
            let mut response = Json(set).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_str(&cache).unwrap_or(HeaderValue::from_static("no-store")),
            );
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            response
        }
        Err(e) => {
            tracing::error!(error = ?e, "cannot read the signing keys for the JWKS");
            (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], "the keys cannot be read now\n")
                .into_response()
        }
    }
}
