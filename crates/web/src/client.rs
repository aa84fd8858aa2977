//! Who the client is, for the per-client limits (sign-in throttling, public submissions):
//! the peer's address, or, when the peer is a proxy the operator trusts, the address that
//! proxy says it received the request from.
//!
//! Behind a load balancer every request comes from the balancer, so without this the
//! per-client limits would count everyone together. `X-Forwarded-For` is believed only from
//! the proxies named (`serve --trusted-proxy`): anyone else could write any address in it and
//! step around the limits. The address is used only to make a keyed hash in the store; it is
//! never logged or kept.

use axum::http::HeaderMap;
use std::net::IpAddr;

/// The proxies whose `X-Forwarded-For` is believed, by exact address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpAddr>);

impl TrustedProxies {
    /// Trusts exactly these addresses.
    pub fn new(addresses: Vec<IpAddr>) -> TrustedProxies {
        TrustedProxies(addresses.into_iter().map(canonical).collect())
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.contains(&canonical(ip))
    }

    /// The client of a request from `peer` with `headers`: the peer itself unless it is a
    /// trusted proxy; then the right-most `X-Forwarded-For` address that is not a trusted
    /// proxy (each proxy appends the address it received from, so entries further left were
    /// written by the client and prove nothing). `None` when the peer is unknown.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = canonical(peer?);
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .map(|entry| entry.parse::<IpAddr>().ok())
            .collect::<Option<Vec<_>>>()
            // A list with anything but addresses in it is not one a proxy of ours wrote.
            .unwrap_or_default();
        Some(
            forwarded
                .into_iter()
                .rev()
                .map(canonical)
                .find(|ip| !self.trusts(*ip))
                .unwrap_or(peer),
        )
    }
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        headers
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::new(vec![ip("10.0.0.2"), ip("10.0.0.3")]);
        let headers = forwarded(&["198.51.100.9, 203.0.113.5"]);
        // From anyone else, the header is ignored.
        assert_eq!(
            proxies.client(Some(ip("192.0.2.1")), &headers),
            Some(ip("192.0.2.1"))
        );
        // From a trusted proxy, the right-most address it did not write itself.
        assert_eq!(
            proxies.client(Some(ip("10.0.0.2")), &headers),
            Some(ip("203.0.113.5"))
        );
        // Two proxies in a row: both skipped.
        let chained = forwarded(&["203.0.113.5", "10.0.0.3"]);
        assert_eq!(
            proxies.client(Some(ip("::ffff:10.0.0.2")), &chained),
            Some(ip("203.0.113.5"))
        );
        // A trusted peer without the header, or with garbage in it, is the client itself.
        assert_eq!(
            proxies.client(Some(ip("10.0.0.2")), &HeaderMap::new()),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            proxies.client(Some(ip("10.0.0.2")), &forwarded(&["not-an-address"])),
            Some(ip("10.0.0.2"))
        );
        // No proxies trusted: the peer, always.
        assert_eq!(
            TrustedProxies::default().client(Some(ip("10.0.0.2")), &headers),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(proxies.client(None, &headers), None);
    }
}
