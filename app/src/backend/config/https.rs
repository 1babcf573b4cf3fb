//! `PORTAL_COOKIE_SECURE` and `PORTAL_HSTS_*`: what an https public URL turns on.

use url::Url;

use super::raw::RawConfig;

/// The session cookie's `Secure` flag, and the `Strict-Transport-Security` value.
pub(super) struct Https {
    pub(super) cookie_secure: bool,
    /// Only when the public URL is https.
    pub(super) hsts: Option<String>,
}

/// Secure cookies unless told otherwise when the public URL is https (a warning if told
/// otherwise), and HSTS for as long as `PORTAL_HSTS_MAX_AGE_SECS` says.
pub(super) fn parse(raw: &RawConfig, public_url: &Url) -> Https {
    let cookie_secure = raw.cookie_secure.unwrap_or(public_url.scheme() == "https");
    if public_url.scheme() == "https" && !cookie_secure {
        tracing::warn!(
            "PORTAL_COOKIE_SECURE=false while PORTAL_PUBLIC_URL is https: session cookies may travel in clear text"
        );
    }
    let hsts = (public_url.scheme() == "https" && raw.hsts_max_age_secs > 0).then(|| {
        let subdomains = if raw.hsts_include_subdomains { "; includeSubDomains" } else { "" };
        format!("max-age={}{subdomains}", raw.hsts_max_age_secs)
    });
    Https { cookie_secure, hsts }
}
