//! The client's IP address, for per-IP limits (the `/api/` request budget, the sign-in and
//! sign-up throttles and the page-load budget). The [`record`] middleware decides it once per request and stores it as a
//! [`ClientIp`] in the request's extensions; [`of_request`] (middlewares) and [`from_context`]
//! (server functions) both read that value back, so every limit counts the same client.
//!
//! The decision ([`client_of`]): the TCP peer address that the accept loop records (`ConnectInfo`), unless that
//! peer is one of `[auth] trusted_proxies`. Then `X-Forwarded-For` is read from the right
//! (several header lines are one list, in order): each entry that is itself a trusted proxy is
//! skipped, and the first one that is not is the client. A client can prepend what it likes,
//! but not past the entry its proxy appended for it. An entry that is not an IP address
//! (empty, `unknown`, garbage, a zone index) stops the walk and the peer is used: a list the
//! proxy did not write cleanly names nobody, and nothing a client writes can pick its key.
//! Entries may carry a port (`192.0.2.1:4711`, `[2001:db8::1]:443`) or brackets
//! (`[2001:db8::1]`). A list made only of trusted proxies names its leftmost entry.
//! Without a trusted peer the header is ignored.

use crate::server::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The header a reverse proxy appends the address it received a request from to.
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// At most this many `X-Forwarded-For` entries are walked; a longer chain of trusted
/// proxies is not a real set-up, and the walk stops at the peer.
const MAX_HOPS: usize = 32;

/// The address a request is counted under, as [`record`] decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Decides the request's client address and stores it in its extensions (no-op when the
/// server recorded no peer address, as in an app served without connect info).
pub async fn record(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let auth = &state.config.auth;
        let client = client_of(peer, request.headers(), |ip| auth.is_trusted_proxy(ip));
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}

/// The client address of a request that went through [`record`], when known.
pub fn of_request<B>(request: &http::Request<B>) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ClientIp>()
        .map(|ClientIp(ip)| *ip)
}

/// The client address of the request a server function is answering, when known.
pub fn from_context() -> Option<IpAddr> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    parts.extensions.get::<ClientIp>().map(|ClientIp(ip)| *ip)
}

/// The client of a request from `peer` with `headers` (see the module docs); `is_trusted`
/// says whether an address is a trusted proxy.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, is_trusted: impl Fn(IpAddr) -> bool) -> IpAddr {
    let peer = peer.to_canonical();
    if !is_trusted(peer) {
        return peer;
    }
    let mut nearest = peer;
    let mut hops = 0;
    for line in headers.get_all(FORWARDED_FOR).iter().rev() {
        for entry in line.as_bytes().rsplit(|byte| *byte == b',') {
            hops += 1;
            if hops > MAX_HOPS {
                return peer;
            }
            // Not text (bytes beyond ASCII): garbage like any other.
            let Some(ip) = std::str::from_utf8(entry).ok().and_then(parse_entry) else {
                return peer;
            };
            if !is_trusted(ip) {
                return ip;
            }
            nearest = ip;
        }
    }
    nearest
}

/// One `X-Forwarded-For` entry as an address: `ip`, `ipv4:port`, `[ipv6]` or `[ipv6]:port`,
/// surrounded by optional spaces or tabs; `None` for anything else.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim_matches([' ', '\t']);
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        .or_else(|| {
            let inner = entry.strip_prefix('[')?.strip_suffix(']')?;
            inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
        })?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// The proxies these tests trust.
    const TRUSTED: [&str; 3] = ["127.0.0.1", "10.0.0.1", "2001:db8::99"];

    /// Whether `ip` is in [`TRUSTED`].
    fn trusted(ip: IpAddr) -> bool {
        TRUSTED.iter().any(|t| t.parse::<IpAddr>().ok() == Some(ip))
    }

    /// The client of a request from `peer` with these `X-Forwarded-For` lines (raw bytes).
    fn client(peer: &str, lines: &[&[u8]]) -> String {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(
                FORWARDED_FOR,
                HeaderValue::from_bytes(line).expect("header value"),
            );
        }
        client_of(peer.parse().expect("peer"), &headers, trusted).to_string()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        assert_eq!(client("192.0.2.7", &[b"203.0.113.1"]), "192.0.2.7");
        assert_eq!(client("192.0.2.7", &[b"garbage"]), "192.0.2.7");
        assert_eq!(client("::ffff:192.0.2.7", &[]), "192.0.2.7");
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client() {
        assert_eq!(client("127.0.0.1", &[]), "127.0.0.1", "no header");
        assert_eq!(client("127.0.0.1", &[b"203.0.113.1"]), "203.0.113.1");
        // Whatever the client prepends, the entry its proxy appended wins.
        assert_eq!(
            client("127.0.0.1", &[b"1.1.1.1, 8.8.8.8, 203.0.113.1"]),
            "203.0.113.1"
        );
        // Trusted proxies on the way are skipped.
        assert_eq!(
            client("127.0.0.1", &[b"6.6.6.6, 203.0.113.1, 10.0.0.1"]),
            "203.0.113.1"
        );
        // Only trusted proxies: the leftmost.
        assert_eq!(client("127.0.0.1", &[b"10.0.0.1, 127.0.0.1"]), "10.0.0.1");
    }

    #[test]
    fn several_header_lines_are_one_list_in_order() {
        assert_eq!(
            client("127.0.0.1", &[b"6.6.6.6", b"203.0.113.1"]),
            "203.0.113.1"
        );
        assert_eq!(
            client("127.0.0.1", &[b"6.6.6.6, 7.7.7.7", b"10.0.0.1"]),
            "7.7.7.7"
        );
        assert_eq!(
            client("127.0.0.1", &[b"203.0.113.1", b"garbage"]),
            "127.0.0.1"
        );
    }

    #[test]
    fn spaces_tabs_ports_and_brackets_are_understood() {
        assert_eq!(client("127.0.0.1", &[b"  203.0.113.1\t "]), "203.0.113.1");
        assert_eq!(client("127.0.0.1", &[b"203.0.113.1:4711"]), "203.0.113.1");
        assert_eq!(client("127.0.0.1", &[b"2001:db8::1"]), "2001:db8::1");
        assert_eq!(client("127.0.0.1", &[b"[2001:db8::1]"]), "2001:db8::1");
        assert_eq!(client("127.0.0.1", &[b"[2001:db8::1]:443"]), "2001:db8::1");
        assert_eq!(client("127.0.0.1", &[b"::ffff:203.0.113.1"]), "203.0.113.1");
        assert_eq!(
            client("::1", &[b"203.0.113.1"]),
            "::1",
            "::1 is not trusted in this test"
        );
        assert_eq!(
            client("2001:db8::99", &[b"203.0.113.1, [2001:db8::99]:80"]),
            "203.0.113.1"
        );
    }

    #[test]
    fn garbage_on_the_way_stops_at_the_peer() {
        for garbage in [
            &b""[..],
            b" ",
            b"unknown",
            b"203.0.113.1,",
            b"203.0.113.1, ,10.0.0.1",
            b"203.0.113.1 203.0.113.2",
            b"fe80::1%eth0",
            b"[2001:db8::1",
            b"2001:db8::1]",
            b"203.0.113.1:99999",
            b"1.2.3.4.5",
            b"01.2.3.4",
            b"\"203.0.113.1\"",
            b"for=203.0.113.1",
            b"203.0.113.\xff",
        ] {
            assert_eq!(
                client("127.0.0.1", &[garbage]),
                "127.0.0.1",
                "{:?}",
                String::from_utf8_lossy(garbage)
            );
        }
        // Garbage to the left of the client's entry is never reached.
        assert_eq!(
            client("127.0.0.1", &[b"garbage, \xff, 203.0.113.1"]),
            "203.0.113.1"
        );
    }

    #[test]
    fn a_very_long_chain_stops_at_the_peer() {
        let chain = vec!["10.0.0.1"; MAX_HOPS + 1].join(",");
        assert_eq!(
            client("127.0.0.1", &[format!("6.6.6.6,{chain}").as_bytes()]),
            "127.0.0.1"
        );
        let short = vec!["10.0.0.1"; MAX_HOPS - 1].join(",");
        assert_eq!(
            client("127.0.0.1", &[format!("6.6.6.6,{short}").as_bytes()]),
            "6.6.6.6"
        );
    }
}
