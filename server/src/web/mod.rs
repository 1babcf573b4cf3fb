//! The router and the layers every request passes through.

pub mod bundles;
mod captcha;
mod health;
mod jwks;
mod logo;
mod refused_forms;
mod request_log;
mod reset_link;
mod same_origin;
mod security_headers;
mod server_fns;
mod session;

use app::{backend::AppState, html_document, shell, App};
use axum::{extract::FromRef, middleware, routing::get, Router};
use http::{HeaderValue, StatusCode};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer};

use self::bundles::Bundles;

/// No form of the portal comes close; anything larger is refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What the pages' routes are served with: the use cases' state, and what Leptos needs to
/// render the HTML shell (the bundles' names and where they are).
#[derive(Clone)]
pub struct WebState {
    pub app: AppState,
    pub leptos: LeptosOptions,
}

impl FromRef<WebState> for AppState {
    fn from_ref(state: &WebState) -> Self {
        state.app.clone()
    }
}

impl FromRef<WebState> for LeptosOptions {
    fn from_ref(state: &WebState) -> Self {
        state.leptos.clone()
    }
}

pub fn router(state: AppState) -> Router {
    let hsts = state.config.hsts.as_deref().and_then(|value| HeaderValue::from_str(value).ok());
    let request_timeout = state.config.connections.request;
    let routes = route_list();
    let leptos = LeptosOptions::builder()
        .output_name("portal")
        .site_root(state.config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(state.config.listen)
        .build();
    let web = WebState { app: state.clone(), leptos };
    let bundles = Bundles::scan(&state.config.site_root);
    let context = {
        let state = state.clone();
        let urls = bundles.urls().clone();
        move || {
            provide_context(state.config.brand.brand());
            provide_context(state.clone());
            provide_context(urls.clone());
        }
    };
    // The bundles and the icon need no session, origin check or page guard: served beside the
    // pages, so a page load does not look its session up once per file.
    let files = Router::new()
        .route("/pkg/{*file}", get(bundles::serve))
        .route("/js/{*file}", get(bundles::serve))
        .route("/strength/{*file}", get(bundles::serve))
        .route("/signin/{*file}", get(bundles::serve))
        .route("/favicon.svg", get(bundles::serve))
        .with_state(bundles);
    let probes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state.clone());
    // What relying parties fetch: no session, no origin check, no page guard.
    let oidc = Router::new().route("/oidc/jwks", get(jwks::serve)).with_state(state.clone());
    let logo = Router::new().route("/brand/{file}", get(logo::serve)).with_state(state.config.brand.logo.clone());
    let assets = Router::new()
        .route("/captcha/picture", get(captcha::picture))
        .route("/captcha/audio", get(captcha::audio))
        .with_state(state.clone());
    let pages = Router::new()
        .leptos_routes_with_context(&web, routes, context.clone(), html_document)
        .fallback(file_and_error_handler_with_context::<WebState, _>(context, shell))
        .layer(middleware::from_fn(server_fns::error_status))
        .layer(middleware::from_fn_with_state(state.clone(), refused_forms::carry))
        .layer(middleware::from_fn_with_state(state.clone(), reset_link::take_token_from_url))
        .layer(middleware::from_fn_with_state(state.clone(), session::guard_pages))
        .layer(middleware::from_fn_with_state(state.clone(), session::guard_functions))
        .layer(middleware::from_fn_with_state(state.clone(), session::resolve))
        .layer(middleware::from_fn_with_state(state.clone(), same_origin::refuse_cross_origin_writes))
        .with_state(web);
    files
        .merge(probes)
        .merge(oidc)
        .merge(logo)
        .merge(assets)
        .merge(pages)
        .layer(middleware::from_fn_with_state(hsts, security_headers::add))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, request_timeout))
        .layer(middleware::from_fn_with_state(state.clone(), request_log::log))
}

/// The page routes, found by running the app once, once per process.
///
/// Not for speed: while Leptos generates a route list it raises a process-wide flag
/// (`SuppressResourceLoad`), and a resource that first runs while the flag is up, in any render
/// on any thread, waits forever (leptos-rs/leptos#4773). Generating the list once, before any
/// router exists, means no render can ever overlap it: not a second node started by a test, not
/// a test on another thread of the test binary (where this hung `scripts/test.sh`).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The metrics, in the Prometheus text format.
pub async fn metrics(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let body = app::backend::use_cases::operations::metrics_page(&state).await;
    ([(http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body).into_response()
}
