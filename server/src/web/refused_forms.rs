//! Forms posted without JavaScript: post, redirect, get, with the refusal in a one-time cookie.
//!
//! Leptos answers a plain form post by redirecting to the `Referer` with the error added to
//! the address (`__path`, `__err`). That loses the person when the page sent no `Referer`
//! (`/reset` is served with `Referrer-Policy: no-referrer`: the error went to `/` and was
//! dropped), piles one `__path` onto the address per refusal, and shows an old error to anyone
//! who reloads or is sent the address. Here instead:
//!
//! - a refused post goes back to the page it came from (its same-origin `Referer`, or the page
//!   the server function belongs to, [`app::api::form_page`]), with the error in a one-time
//!   cookie ([`Jar::RefusedForm`]) and nothing added to the address;
//! - the next page that is rendered reads the cookie into its request ([`RefusedForm`]) and
//!   clears it, so a reload shows a clean form;
//! - a page address that carries Leptos's error parameters (an old link) is answered with a
//!   redirect to the same address without them: errors are never taken from a link.

use app::{
    api::{form_page, request::RefusedForm},
    backend::{client::cookies::Jar, AppState},
};
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use base64::{engine::general_purpose::URL_SAFE, Engine};
use http::{header, HeaderValue, Method};

/// The parameters Leptos puts in an address for a refused form.
const ERROR_PARAMS: [&str; 2] = ["__path", "__err"];
/// The header Leptos marks a server function's error answer with.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// No refusal's wire form comes close.
const MAX_ERROR_BYTES: usize = 16 * 1024;

/// Middleware over the pages and server functions.
pub async fn carry(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    if is_server_fn && req.method() == Method::POST && accepts_html(&req) {
        let server_fn = req.uri().path().to_owned();
        let came_from = same_origin_referer(&req, &state);
        let response = next.run(req).await;
        return send_back(&state, response, &server_fn, came_from).await;
    }
    if is_server_fn || req.method() != Method::GET {
        return next.run(req).await;
    }
    if let Some(clean) = without_error_params(req.uri()) {
        return Redirect::to(&clean).into_response();
    }
    let refused = Jar::RefusedForm.value(req.headers(), &state.config).and_then(|value| RefusedForm::parse(&value));
    let carried = refused.is_some();
    if let Some(refused) = refused {
        req.extensions_mut().insert(refused);
    }
    let mut response = next.run(req).await;
    // A page that only redirects (`/` → `/account`) has not shown it: the next one will.
    if carried && !response.status().is_redirection() {
        set_cookie(&mut response, &Jar::RefusedForm.clear(&state.config));
    }
    response
}

/// The redirect Leptos made for a plain form post, sent to the page the form came from, with
/// the error (if any) moved from the address into the one-time cookie.
async fn send_back(state: &AppState, response: Response, server_fn: &str, came_from: Option<String>) -> Response {
    if !response.status().is_redirection() {
        return response;
    }
    let refused = response.headers().contains_key(SERVER_FN_ERROR_HEADER);
    let (mut parts, body) = response.into_parts();
    if !refused {
        // A success: the function's own redirect, or the page it came from, made clean.
        if let Some(clean) = location(&parts.headers).and_then(|l| without_error_params_in(&l)) {
            insert_location(&mut parts.headers, &clean);
        }
        return Response::from_parts(parts, body);
    }
    // An address of ours, from the configured public URL (never the Host header).
    let back = back_to(server_fn, came_from);
    let back = state.config.public_url.join(&back).map(String::from).unwrap_or(back);
    let Ok(error) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return Redirect::to(&back).into_response();
    };
    parts.headers.remove(SERVER_FN_ERROR_HEADER);
    parts.headers.remove(header::CONTENT_TYPE);
    insert_location(&mut parts.headers, &back);
    let mut response = Response::from_parts(parts, Body::empty());
    let refusal = RefusedForm { server_fn: server_fn.to_owned(), error: URL_SAFE.encode(&error) };
    set_cookie(&mut response, &Jar::RefusedForm.set_notice(&state.config, &refusal.cookie_value()));
    response
}

/// Where a refused form is shown again: the page it came from, else the page it belongs to.
fn back_to(server_fn: &str, came_from: Option<String>) -> String {
    came_from.or_else(|| form_page(server_fn).map(str::to_owned)).unwrap_or_else(|| "/".to_owned())
}

fn accepts_html(req: &Request) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// The path and query of the page that posted, when the browser named it and it is ours; the
/// error parameters of an older refusal are left behind.
fn same_origin_referer(req: &Request, state: &AppState) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let referer = url::Url::parse(referer).ok()?;
    if referer.origin() != state.config.public_url.origin() {
        return None;
    }
    let path_and_query = match referer.query() {
        Some(query) => format!("{}?{query}", referer.path()),
        None => referer.path().to_owned(),
    };
    Some(without_error_params_in(&path_and_query).unwrap_or(path_and_query))
}

/// `uri` without Leptos's error parameters, if it had any.
fn without_error_params(uri: &http::Uri) -> Option<String> {
    uri.path_and_query().and_then(|pq| without_error_params_in(pq.as_str()))
}

/// `location` (a path, perhaps with a query, or an absolute URL) without Leptos's error
/// parameters, if it had any.
fn without_error_params_in(location: &str) -> Option<String> {
    let (path, query) = location.split_once('?')?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    if !pairs.iter().any(|(key, _)| ERROR_PARAMS.contains(&key.as_str())) {
        return None;
    }
    let kept: Vec<_> = pairs.into_iter().filter(|(key, _)| !ERROR_PARAMS.contains(&key.as_str())).collect();
    if kept.is_empty() {
        return Some(path.to_owned());
    }
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
    Some(format!("{path}?{query}"))
}

fn location(headers: &http::HeaderMap) -> Option<String> {
    headers.get(header::LOCATION)?.to_str().ok().map(str::to_owned)
}

fn insert_location(headers: &mut http::HeaderMap, location: &str) {
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, value);
    }
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_loses_only_the_error_parameters() {
        let cases = [
            ("/login?next=%2Fa&__path=%2Fapi%2Flogin&__err=b2xk&__err=bmV3", Some("/login?next=%2Fa")),
            ("/reset?__err=b2xk", Some("/reset")),
            ("http://portal/login?__path=x&next=%2Fb", Some("http://portal/login?next=%2Fb")),
            ("/login?next=%2Fa", None),
            ("/login", None),
        ];
        for (location, expected) in cases {
            assert_eq!(without_error_params_in(location).as_deref(), expected, "{location}");
        }
    }

    #[test]
    fn a_refused_form_goes_back_to_where_it_came_from_or_to_its_own_page() {
        assert_eq!(back_to("/api/login", Some("/login?next=%2Fa".into())), "/login?next=%2Fa");
        assert_eq!(back_to("/api/reset_password", None), "/reset");
        assert_eq!(back_to("/api/change_password", None), "/account/password");
        assert_eq!(back_to("/api/unknown", None), "/");
    }

    #[test]
    fn a_refusal_survives_its_cookie_and_nothing_else_is_read_back() {
        let refusal = RefusedForm { server_fn: "/api/reset_password".into(), error: "eyJJbnZhbGlkIjpbXX0=".into() };
        assert_eq!(RefusedForm::parse(&refusal.cookie_value()), Some(refusal));
        for forged in ["", "|", "/api/login|", "/etc/x|eyJ9", "/api/login|<script>", "/api/lo gin|eyJ9"] {
            assert_eq!(RefusedForm::parse(forged), None, "{forged:?}");
        }
        assert_eq!(RefusedForm::parse(&format!("/api/login|{}", "a".repeat(4096))), None);
    }
}
