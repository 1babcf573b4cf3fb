//! The picture and the sound of the captcha for browsers without JavaScript. The token rides
//! in the query string, which the request log leaves out. Drawing costs a few milliseconds of
//! CPU and the sound is ~0.5 MB, so each client address gets a ration.

use std::net::SocketAddr;

use app::backend::{captcha::PictureScheme, client::address, steps::rate_limits::Limit, AppState};
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Challenge {
    c: String,
}

/// The picture's address: its challenge and, for a page in dark mode, `scheme=dark` (any other
/// value is refused with 400).
#[derive(Deserialize)]
pub struct PictureQuery {
    c: String,
    #[serde(default)]
    scheme: PictureScheme,
}

/// Who is asking, for the ration: the socket peer and the headers a trusted proxy may have set.
type Requester = (ConnectInfo<SocketAddr>, HeaderMap);

pub async fn picture(State(state): State<AppState>, from: Requester, Query(query): Query<PictureQuery>) -> Response {
    let scheme = query.scheme;
    render(state, from, query.c, "image/png", move |state, token, now| state.captcha.picture_png(&token, now, scheme))
        .await
}

pub async fn audio(State(state): State<AppState>, from: Requester, Query(challenge): Query<Challenge>) -> Response {
    render(state, from, challenge.c, "audio/wav", |state, token, now| state.captcha.picture_wav(&token, now)).await
}

/// Counts the request against its address, then draws off the async runtime; a token that is
/// forged or past its time gets 404.
async fn render(
    state: AppState,
    (ConnectInfo(peer), headers): Requester,
    token: String,
    content_type: &'static str,
    draw: impl FnOnce(&AppState, String, i64) -> Option<Vec<u8>> + Send + 'static,
) -> Response {
    let now = state.clock.now();
    let address = address::identify(Some(peer.ip()), &headers, &state.config.client_address);
    let limit = Limit::CaptchaDrawingsPerAddress;
    match limit.hit(&state, &address.budget_key).await {
        Ok(false) => {
            let wait = HeaderValue::from(limit.window().as_secs());
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, wait)],
                "Too many pictures. Please wait a few minutes.",
            )
                .into_response();
        }
        Ok(true) => {}
        Err(e) => {
            tracing::error!(error = ?e, "could not count a captcha drawing");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    let drawn = tokio::task::spawn_blocking(move || draw(&state, token, now)).await.ok().flatten();
    match drawn {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "This picture has expired. Reload the page for a new one.").into_response(),
    }
}
