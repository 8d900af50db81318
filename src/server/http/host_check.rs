//! The host names this server answers to, against DNS rebinding: a page on `evil.example`
//! whose name the attacker then points at 127.0.0.1 makes the visitor's browser send
//! requests to Sluice with `Host: evil.example` and a matching `Origin`, so the cross-site
//! check (which compares the two) lets them through, and in `auth = off` mode they act as the
//! local user. [`check_host`] runs in front of every route (pages, `/api/`, the export and
//! events routes, static files) and refuses a request whose host is not allowed with
//! **403** and a sentence.
//!
//! Allowed are the names in `[server] allowed_hosts` and, in `off` mode, always `localhost`,
//! `127.0.0.1` and `[::1]`; the port is not compared. In `off` mode the check always runs;
//! in the other modes only when `allowed_hosts` is set. When it runs, the request must name
//! its host exactly once: a request without `Host` (HTTP/1.0) and without an authority in its
//! URI, or with two `Host` headers, gets **400**. A request in absolute form (`GET
//! http://name/… HTTP/1.1`, or HTTP/2's `:authority`) has both its URI's host and its `Host`
//! checked: each must be allowed.

use crate::account::AuthMode;
use crate::server::error::AppError;
use axum::extract::{Request, State};
use axum::http::{header, uri::Authority};
use axum::middleware::Next;
use axum::response::Response;
use std::net::Ipv6Addr;
use std::sync::Arc;

/// The names every `off`-mode server answers to.
pub const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The refusal for a host name that is not allowed.
pub const FOREIGN_HOST: &str = "This server does not answer to that host name. If the name is \
     yours, add it to allowed_hosts (SLUICE_ALLOWED_HOSTS).";

/// Which host names are answered.
#[derive(Clone, Debug)]
pub struct HostPolicy {
    /// Whether requests are checked at all: always in `off` mode (rebinding there reaches the
    /// local user's data), elsewhere only when the operator listed names.
    enforced: bool,
    /// The allowed names, normalised by [`normalise`]: the configured ones plus, in `off`
    /// mode, [`LOOPBACK_NAMES`].
    names: Arc<Vec<String>>,
}

impl HostPolicy {
    /// The policy for `mode` and the configured (already normalised) `allowed_hosts`.
    pub fn new(mode: AuthMode, allowed_hosts: &[String]) -> Self {
        let mut names = allowed_hosts.to_vec();
        if mode == AuthMode::Off {
            names.extend(LOOPBACK_NAMES.iter().map(|n| n.to_string()));
        }
        Self {
            enforced: mode == AuthMode::Off || !allowed_hosts.is_empty(),
            names: Arc::new(names),
        }
    }

    /// Whether a request to `authority` (`host[:port]`) is answered.
    fn allows(&self, authority: &Authority) -> bool {
        let host = normalise(authority.host());
        self.names.contains(&host)
    }

    /// Why a request with these parts is refused, if it is.
    fn refusal<B>(&self, request: &http::Request<B>) -> Option<AppError> {
        if !self.enforced {
            return None;
        }
        let mut hosts = request.headers().get_all(header::HOST).iter();
        let host = hosts.next();
        if hosts.next().is_some() {
            return Some(AppError::BadRequest(
                "The request names its host more than once.".to_string(),
            ));
        }
        let host = match host {
            Some(value) => match value
                .to_str()
                .ok()
                .and_then(|v| v.parse::<Authority>().ok())
            {
                Some(authority) if !authority.as_str().contains('@') => Some(authority),
                _ => {
                    return Some(AppError::BadRequest(
                        "The Host header is not a host name.".to_string(),
                    ))
                }
            },
            None => None,
        };
        let uri_host = request.uri().authority();
        if host.is_none() && uri_host.is_none() {
            return Some(AppError::BadRequest(
                "The request names no host (a Host header is required).".to_string(),
            ));
        }
        let foreign = [host.as_ref(), uri_host]
            .into_iter()
            .flatten()
            .any(|authority| !self.allows(authority));
        foreign.then(|| AppError::Forbidden(FOREIGN_HOST.to_string()))
    }
}

/// The middleware: refuses requests to a host name that is not allowed (see the module docs).
pub async fn check_host(
    State(policy): State<HostPolicy>,
    request: Request,
    next: Next,
) -> Response {
    match policy.refusal(&request) {
        None => next.run(request).await,
        Some(error) => {
            tracing::info!(
                host = ?request.headers().get(header::HOST),
                uri = %request.uri(),
                "refused a request for a host name that is not allowed"
            );
            error.into_api_response(request.uri().path())
        }
    }
}

/// A host name as compared: lower case, without a final dot (`Localhost.` is `localhost`),
/// an IPv6 address in brackets and its shortest form (`[0:0::1]` is `[::1]`).
fn normalise(host: &str) -> String {
    let inner = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(v6) = inner.parse::<Ipv6Addr>() {
        return format!("[{v6}]");
    }
    host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase()
}

/// Checks and normalises `[server] allowed_hosts`: each entry is a host name (letters,
/// digits, `-`, `_`, `.`; an international name in its `xn--` form) or an IP address (IPv6
/// with or without brackets), without scheme, port or path; blank entries are skipped.
pub fn parse_allowed_hosts(raw: Vec<String>) -> Result<Vec<String>, String> {
    let mut hosts = Vec::new();
    for entry in raw {
        let trimmed = entry.trim();
        if trimmed.is_empty() {
            continue;
        }
        let name = normalise(trimmed);
        let valid = name.starts_with('[')
            || (!name.is_empty()
                && !name.starts_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
        if !valid {
            return Err(format!(
                "allowed_hosts: {entry:?} must be a host name or IP address such as \
                 chat.example.org or 192.168.1.20 (no scheme, no port)"
            ));
        }
        hosts.push(name);
    }
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a GET of `uri` with these `Host` headers passes `policy`.
    fn passes(policy: &HostPolicy, uri: &str, hosts: &[&str]) -> bool {
        let mut builder = http::Request::get(uri);
        for host in hosts {
            builder = builder.header(header::HOST, *host);
        }
        policy
            .refusal(&builder.body(()).expect("request"))
            .is_none()
    }

    #[test]
    fn off_mode_answers_loopback_names_on_any_port_and_listed_names() {
        let listed = parse_allowed_hosts(vec!["Chat.Lan".to_string()]).expect("valid");
        let policy = HostPolicy::new(AuthMode::Off, &listed);
        for host in [
            "localhost",
            "LOCALHOST:3000",
            "localhost.:80",
            "127.0.0.1:3000",
            "[::1]:3000",
            "[::1]",
            "[0:0::1]:3000",
            "chat.lan",
            "chat.LAN:8080",
        ] {
            assert!(passes(&policy, "/", &[host]), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "127.0.0.2",
            "127.0.0.1.nip.io",
            "0.0.0.0",
            "[::2]",
            "user@localhost",
            "",
            "local host",
        ] {
            assert!(!passes(&policy, "/", &[host]), "{host}");
        }
    }

    #[test]
    fn off_mode_needs_exactly_one_host_and_checks_an_absolute_uri() {
        let policy = HostPolicy::new(AuthMode::Off, &[]);
        assert!(!passes(&policy, "/", &[]), "no Host");
        assert!(!passes(&policy, "/", &["localhost", "localhost"]), "two");
        assert!(passes(&policy, "http://localhost:3000/api/models", &[]));
        assert!(passes(
            &policy,
            "http://127.0.0.1:3000/",
            &["127.0.0.1:3000"]
        ));
        assert!(!passes(
            &policy,
            "http://evil.example/",
            &["127.0.0.1:3000"]
        ));
        assert!(!passes(&policy, "http://127.0.0.1/", &["evil.example"]));
    }

    #[test]
    fn other_modes_check_only_when_names_are_listed() {
        let open = HostPolicy::new(AuthMode::Local, &[]);
        assert!(passes(&open, "/", &["anything.example"]));
        assert!(passes(&open, "/", &[]));
        let listed = parse_allowed_hosts(vec!["chat.example.org".to_string()]).expect("valid");
        let policy = HostPolicy::new(AuthMode::TrustedHeader, &listed);
        assert!(passes(&policy, "/", &["chat.example.org"]));
        assert!(!passes(&policy, "/", &["localhost"]), "no loopback default");
        assert!(!passes(&policy, "/", &["evil.example"]));
    }

    #[test]
    fn allowed_hosts_are_checked_and_normalised() {
        let parsed = parse_allowed_hosts(
            [
                "  Chat.Example.org. ",
                "",
                "192.168.1.20",
                "::1",
                "[FE80:0::1]",
            ]
            .map(str::to_string)
            .to_vec(),
        )
        .expect("valid");
        assert_eq!(
            parsed,
            ["chat.example.org", "192.168.1.20", "[::1]", "[fe80::1]"]
        );
        for bad in [
            "https://chat.example.org",
            "chat.example.org:443",
            "chat.example.org/",
            "user@chat.example.org",
            "two words",
            "*",
            ".",
        ] {
            assert!(parse_allowed_hosts(vec![bad.to_string()]).is_err(), "{bad}");
        }
    }
}
