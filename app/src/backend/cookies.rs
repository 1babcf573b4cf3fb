//! The session cookie: HttpOnly, SameSite=Lax, Path=/, and `__Host-` + Secure behind TLS.

use cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use http::HeaderMap;

use super::{config::Config, session_token::SessionToken};

pub fn cookie_name(config: &Config) -> &'static str {
    if config.cookie_secure {
        "__Host-portal_session"
    } else {
        "portal_session"
    }
}

/// The `Set-Cookie` value that hands the browser a new session.
pub fn session_cookie(config: &Config, token: &SessionToken) -> String {
    base(config, token.expose().to_owned())
        .max_age(CookieDuration::seconds(config.session_lifetime.as_secs() as i64))
        .build()
        .to_string()
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn clear_session_cookie(config: &Config) -> String {
    base(config, String::new()).max_age(CookieDuration::ZERO).build().to_string()
}

fn base(config: &Config, value: String) -> cookie::CookieBuilder<'static> {
    Cookie::build((cookie_name(config), value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(config.cookie_secure)
}

/// The session cookie's value, if the request carries one. Whether it is a valid token is
/// for the caller to find out.
pub fn session_cookie_value(headers: &HeaderMap, config: &Config) -> Option<String> {
    let name = cookie_name(config);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}
