//! One line per request, and a request id in every line of it.
//!
//! The id is the one a trusted proxy sent in `X-Request-Id` (a balancer or the proxy in front
//! keeps one id across hops), else a new UUID; it names the request's span, so every line
//! logged while the request is handled carries it, and it goes back in the response's
//! `X-Request-Id` for the person who reports a problem to quote.

use std::{net::SocketAddr, time::Instant};

use app::backend::{
    config::ClientAddressSource, runtime::metrics::route_label, runtime::metrics::RequestLabels,
    runtime::metrics::RouteLabel, AppState,
};
use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};
use http::{HeaderName, HeaderValue};
use tracing::Instrument as _;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The longest id taken from a proxy; longer ones are replaced.
const MAX_ID_CHARS: usize = 128;

/// Method, path (never the query, which may carry a token), status and time, inside a span
/// that carries the request id. Probes (`/healthz`, `/readyz`) are logged at debug level.
///
/// Counted by the route the router matched, never by the path: this runs as a layer of the
/// router (`Router::layer` wraps each route and the fallback), so `MatchedPath` is known here,
/// and every answer a made-up path gets (a redirect, 404, 413, 403, 408) is "unmatched".
pub async fn log(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = request_id(&req, &state.config.client_address);
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let route = route_label(req.extensions().get::<MatchedPath>().map(MatchedPath::as_str));
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let ms = elapsed.as_millis() as u64;
    state.metrics.http_requests.get_or_create(&RequestLabels { route: route.clone(), status }).inc();
    state.metrics.http_duration.get_or_create(&RouteLabel { route }).observe(elapsed.as_secs_f64());
    span.in_scope(|| {
        if super::health::is_probe(&path) {
            tracing::debug!(%method, path, status, ms, "request");
        } else {
            tracing::info!(%method, path, status, ms, "request");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The proxy's id when the request comes from a trusted proxy and the id is plain (letters,
/// digits and `-_.:`), else a fresh UUID: a client cannot put words of its own into the logs.
fn request_id(req: &Request, source: &ClientAddressSource) -> String {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    let from_proxy = peer.is_some_and(|ip| source.trusted_proxies.contains(&ip));
    let given = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).filter(|id| {
        !id.is_empty()
            && id.len() <= MAX_ID_CHARS
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
    });
    match given {
        Some(id) if from_proxy => id.to_owned(),
        _ => uuid::Uuid::new_v4().to_string(),
    }
}
