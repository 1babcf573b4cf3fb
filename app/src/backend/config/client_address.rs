//! `PORTAL_CLIENT_ADDRESS_HEADER`, `PORTAL_TRUSTED_PROXIES` and `PORTAL_IPV6_PREFIX`: which
//! address a request is counted against.

use super::{bad, raw::RawConfig, ConfigError};

/// Where a request comes from: the socket peer, or, when that peer is one of the trusted
/// proxies, the last address the proxy wrote into `header`.
#[derive(Debug, Clone)]
pub struct ClientAddressSource {
    pub header: Option<http::HeaderName>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The prefix length an IPv6 client's budgets are counted by (`PORTAL_IPV6_PREFIX`).
    pub ipv6_prefix: u8,
}

impl Default for ClientAddressSource {
    fn default() -> Self {
        Self { header: None, trusted_proxies: Vec::new(), ipv6_prefix: 64 }
    }
}

impl ClientAddressSource {
    pub(super) fn parse(raw: &RawConfig) -> Result<Self, ConfigError> {
        let header = match raw.client_address_header.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
            Some(name) => Some(http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                bad("PORTAL_CLIENT_ADDRESS_HEADER", format!("'{name}' is not a header name such as X-Forwarded-For"))
            })?),
            None => None,
        };
        let trusted_proxies = raw
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().map_err(|_| bad("PORTAL_TRUSTED_PROXIES", format!("'{p}' is not an IP address"))))
            .collect::<Result<_, _>>()?;
        let ipv6_prefix = match raw.ipv6_prefix {
            prefix @ 1..=128 => prefix,
            other => return Err(bad("PORTAL_IPV6_PREFIX", format!("{other} is not a prefix length from 1 to 128"))),
        };
        Ok(Self { header, trusted_proxies, ipv6_prefix })
    }
}
