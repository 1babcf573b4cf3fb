//! `PORTAL_LISTEN`, `PORTAL_PUBLIC_URL` and `PORTAL_METRICS_LISTEN`: where the portal listens,
//! and the origin every link it writes starts with.

use std::net::SocketAddr;

use url::Url;

use super::{bad, raw::RawConfig, ConfigError};

/// The public listener, and the public origin (by default, `http://` and that listener).
pub(super) fn parse(raw: &RawConfig) -> Result<(SocketAddr, Url), ConfigError> {
    let listen: SocketAddr = raw
        .listen
        .parse()
        .map_err(|_| bad("PORTAL_LISTEN", format!("'{}' is not an address:port such as 127.0.0.1:3000", raw.listen)))?;
    let public_url = parse_public_url(raw.public_url.as_deref(), listen)?;
    Ok((listen, public_url))
}

/// Where `/metrics` is served, if anywhere: never on the public listener.
pub(super) fn parse_metrics(value: Option<&str>, listen: SocketAddr) -> Result<Option<SocketAddr>, ConfigError> {
    let metrics_listen = match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(text) => Some(text.parse::<SocketAddr>().map_err(|_| {
            bad("PORTAL_METRICS_LISTEN", format!("'{text}' is not an address:port such as 127.0.0.1:9300"))
        })?),
    };
    if metrics_listen == Some(listen) {
        return Err(bad("PORTAL_METRICS_LISTEN", "must differ from PORTAL_LISTEN: metrics are never public"));
    }
    Ok(metrics_listen)
}

fn parse_public_url(value: Option<&str>, listen: SocketAddr) -> Result<Url, ConfigError> {
    let text = value.map_or_else(|| format!("http://{listen}"), str::to_owned);
    let url = Url::parse(&text).map_err(|e| bad("PORTAL_PUBLIC_URL", format!("'{text}' is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad(
            "PORTAL_PUBLIC_URL",
            "expected an http:// or https:// origin such as https://account.example.com",
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("PORTAL_PUBLIC_URL", "give the origin only (scheme, host and port), with no path"));
    }
    Ok(url)
}
