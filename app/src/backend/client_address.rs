//! Which address a request comes from, for the per-address budgets and the session list.
//!
//! The socket peer, unless the operator named a header that a reverse proxy in front of the
//! portal writes (`PORTAL_CLIENT_ADDRESS_HEADER`) and the peer is one of the trusted proxies
//! (`PORTAL_TRUSTED_PROXIES`). Then the header's last entry counts: the one that proxy added.
//! Entries before it were written by whoever sent the request, and are ignored.

use std::net::IpAddr;

use http::HeaderMap;

use super::config::ClientAddressSource;

pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, source: &ClientAddressSource) -> Option<IpAddr> {
    let peer = peer?;
    let Some(header) = &source.header else { return Some(peer) };
    if !source.trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let last = headers.get_all(header).iter().next_back().and_then(|v| v.to_str().ok());
    let written = last.and_then(|v| v.rsplit(',').next()).and_then(|entry| entry.trim().parse().ok());
    Some(written.unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROXY: &str = "10.0.0.5";

    fn behind_proxy() -> ClientAddressSource {
        ClientAddressSource {
            header: Some(http::HeaderName::from_static("x-forwarded-for")),
            trusted_proxies: vec![PROXY.parse().unwrap()],
        }
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        headers
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn without_a_configured_header_the_socket_peer_counts() {
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(resolve(ip(PROXY), &headers, &ClientAddressSource::default()), ip(PROXY));
    }

    #[test]
    fn behind_a_trusted_proxy_the_address_it_added_counts() {
        // The client wrote "1.1.1.1" itself; the proxy appended the address it saw.
        let headers = forwarded(&["1.1.1.1, 203.0.113.9"]);
        assert_eq!(resolve(ip(PROXY), &headers, &behind_proxy()), ip("203.0.113.9"));
        let headers = forwarded(&["1.1.1.1", "2001:db8::7"]);
        assert_eq!(resolve(ip(PROXY), &headers, &behind_proxy()), ip("2001:db8::7"));
    }

    #[test]
    fn a_client_reaching_the_portal_directly_cannot_choose_its_address() {
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(resolve(ip("198.51.100.2"), &headers, &behind_proxy()), ip("198.51.100.2"));
    }

    #[test]
    fn a_missing_or_garbled_header_falls_back_to_the_proxy() {
        assert_eq!(resolve(ip(PROXY), &HeaderMap::new(), &behind_proxy()), ip(PROXY));
        assert_eq!(resolve(ip(PROXY), &forwarded(&["unknown"]), &behind_proxy()), ip(PROXY));
    }
}
