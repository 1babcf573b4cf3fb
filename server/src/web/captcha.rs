//! The picture and the sound of the captcha for browsers without JavaScript. The token rides
//! in the query string, which the request log leaves out.

use app::backend::AppState;
use axum::{
    extract::{Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Challenge {
    c: String,
}

pub async fn picture(State(state): State<AppState>, Query(challenge): Query<Challenge>) -> Response {
    render(state, challenge.c, "image/png", |state, token, now| state.captcha.picture_png(&token, now)).await
}

pub async fn audio(State(state): State<AppState>, Query(challenge): Query<Challenge>) -> Response {
    render(state, challenge.c, "audio/wav", |state, token, now| state.captcha.picture_wav(&token, now)).await
}

/// Draws off the async runtime; a token that is forged or past its time gets 404.
async fn render(
    state: AppState,
    token: String,
    content_type: &'static str,
    draw: fn(&AppState, String, i64) -> Option<Vec<u8>>,
) -> Response {
    let now = state.clock.now();
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
