//! The client's IP address, for per-IP limits: the TCP peer address that `axum::serve` records
//! (`into_make_service_with_connect_info`). Behind a reverse proxy every request comes from the
//! proxy's address, so per-IP limits then count the proxy as one client (see README.md).

use axum::extract::ConnectInfo;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The peer IP of a request, when the server recorded it.
pub fn of_request<B>(request: &http::Request<B>) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The peer IP of the request a server function is answering, when known.
pub fn from_context() -> Option<IpAddr> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The key an address is counted under: IPv4 as is (also when written as IPv4-mapped IPv6);
/// IPv6 by its /64 prefix, since one host commonly owns a whole /64 and could otherwise
/// dodge a per-address limit (and fill the limiter's map) by cycling through it.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_per_slash_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(limit_key(a), limit_key(b));
        assert_ne!(limit_key(a), limit_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("ip");
        assert_eq!(
            limit_key(mapped),
            "192.0.2.1".parse::<IpAddr>().expect("ip")
        );
        let v4: IpAddr = "192.0.2.1".parse().expect("ip");
        assert_eq!(limit_key(v4), v4);
    }
}
