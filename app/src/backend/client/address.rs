//! Which address a request comes from, for the per-address budgets and the session list.
//!
//! The socket peer, unless the operator named a header that a reverse proxy in front of the
//! portal writes (`PORTAL_CLIENT_ADDRESS_HEADER`) and the peer is one of the trusted proxies
//! (`PORTAL_TRUSTED_PROXIES`). Then the header's last entry counts: the one that proxy added.
//! Entries before it were written by whoever sent the request, and are ignored.
//!
//! The per-address budgets count an IPv4 client by its address and an IPv6 client by its
//! network (`PORTAL_IPV6_PREFIX`, a /64 by default): one subscriber usually holds a whole /64,
//! so counting single IPv6 addresses would give it an unlimited budget.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use http::HeaderMap;

use crate::backend::config::ClientAddressSource;

/// Where a request comes from: the address shown in the session list, and the key its
/// per-address budgets count under.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientAddress {
    pub ip: String,
    pub budget_key: String,
}

/// The client's address and budget key, from the socket peer and (behind a trusted proxy) the
/// header the proxy writes; empty when nothing is known.
pub fn identify(peer: Option<IpAddr>, headers: &HeaderMap, source: &ClientAddressSource) -> ClientAddress {
    match resolve(peer, headers, source) {
        Some(ip) => ClientAddress { ip: ip.to_string(), budget_key: budget_key(ip, source.ipv6_prefix) },
        None => ClientAddress::default(),
    }
}

pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, source: &ClientAddressSource) -> Option<IpAddr> {
    let peer = peer?;
    let Some(header) = &source.header else { return Some(peer) };
    if !source.trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let last = headers.get_all(header).iter().next_back().and_then(|v| v.to_str().ok());
    let written = last.and_then(|v| v.rsplit(',').next()).and_then(|entry| parse_entry(entry.trim()));
    Some(written.unwrap_or(peer))
}

/// A forwarded entry: `203.0.113.9`, `2001:db8::7`, or either with a port as proxies write
/// them (`203.0.113.9:4711`, `[2001:db8::7]:4711`), or a bracketed IPv6 address.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse::<Ipv6Addr>().ok().map(IpAddr::V6))
}

/// The key a client's per-address budgets count under: an IPv4 address (also when written as
/// an IPv4-mapped IPv6 address) by itself, an IPv6 address by its first `ipv6_prefix` bits.
pub fn budget_key(ip: IpAddr, ipv6_prefix: u8) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let bits = u32::from(ipv6_prefix.min(128));
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                format!("{}/{bits}", Ipv6Addr::from(u128::from(v6) & mask))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROXY: &str = "10.0.0.5";

    fn behind_proxy() -> ClientAddressSource {
        ClientAddressSource {
            header: Some(http::HeaderName::from_static("x-forwarded-for")),
            trusted_proxies: vec![PROXY.parse().unwrap()],
            ipv6_prefix: 64,
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

    proptest::proptest! {
        #[test]
        fn any_forwarded_header_yields_the_proxy_or_an_address_it_names(value in "[ -~]{0,80}") {
            let mut headers = HeaderMap::new();
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                headers.insert("x-forwarded-for", value);
            }
            let resolved = resolve(ip(PROXY), &headers, &behind_proxy()).unwrap();
            let last = value.rsplit(',').next().unwrap_or_default();
            proptest::prop_assert!(resolved == ip(PROXY).unwrap() || last.contains(&resolved.to_string()));
        }

        #[test]
        fn every_address_has_a_budget_key(bits in proptest::prelude::any::<u128>(), v4 in proptest::prelude::any::<u32>(), prefix in 1u8..=128) {
            let v6 = Ipv6Addr::from(bits);
            let key = budget_key(IpAddr::V6(v6), prefix);
            proptest::prop_assert!(key.ends_with(&format!("/{prefix}")) || v6.to_ipv4_mapped().is_some(), "{}", key);
            proptest::prop_assert_eq!(budget_key(IpAddr::V4(v4.into()), prefix), std::net::Ipv4Addr::from(v4).to_string());
        }
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

    #[test]
    fn a_forwarded_entry_with_a_port_still_names_the_client() {
        for (entry, client) in [
            ("203.0.113.9:4711", "203.0.113.9"),
            ("[2001:db8::7]:4711", "2001:db8::7"),
            ("[2001:db8::7]", "2001:db8::7"),
            ("1.1.1.1, 203.0.113.9:80", "203.0.113.9"),
        ] {
            assert_eq!(resolve(ip(PROXY), &forwarded(&[entry]), &behind_proxy()), ip(client), "{entry}");
        }
    }

    #[test]
    fn ipv4_clients_count_alone_and_ipv6_clients_by_network() {
        let key = |text: &str, prefix| budget_key(text.parse().unwrap(), prefix);
        assert_eq!(key("203.0.113.9", 64), "203.0.113.9");
        assert_eq!(key("::ffff:203.0.113.9", 64), "203.0.113.9", "an IPv4-mapped address is the IPv4 client");
        assert_eq!(key("2001:db8:1:2:aaaa::1", 64), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb:cccc:dddd:eeee", 64), key("2001:db8:1:2::9", 64), "one /64, one key");
        assert_ne!(key("2001:db8:1:3::1", 64), key("2001:db8:1:2::1", 64));
        assert_eq!(key("2001:db8:1:2ff::1", 56), "2001:db8:1:200::/56");
        assert_eq!(key("2001:db8::1", 128), "2001:db8::1/128");
    }
}
