//! `[metrics]` of the configuration: where Prometheus reads `GET /metrics`. `addr` (env
//! `SLUICE_METRICS_ADDR`, e.g. `127.0.0.1:9100`) serves it on a listener of its own, which is
//! the usual way (the port stays inside the network); `bearer_token` (env
//! `SLUICE_METRICS_TOKEN`) serves it on the main port to requests that carry
//! `Authorization: Bearer TOKEN`. Neither set: no metrics endpoint at all (404), so the
//! numbers are never public by accident. The token is a secret: a refusal never repeats it.

use super::source::{refusal, Setting, Sources};
use serde::Deserialize;
use std::net::SocketAddr;
use toml::Spanned;

/// The separate listener's address.
const ADDR: Setting = Setting::new("SLUICE_METRICS_ADDR", "[metrics]", "addr");

/// The main port's bearer token.
const BEARER_TOKEN: Setting = Setting::new("SLUICE_METRICS_TOKEN", "[metrics]", "bearer_token");

/// The shortest token accepted: a short one could be guessed.
const MIN_TOKEN_CHARS: usize = 16;

/// Where the metrics are served.
#[derive(Clone, Default)]
pub struct MetricsConfig {
    /// The separate listener (`None`: none), reachable only by who can reach that address.
    pub addr: Option<SocketAddr>,
    /// The token `/metrics` on the main port requires (`None`: not served there).
    pub bearer_token: Option<String>,
}

impl MetricsConfig {
    /// True when `/metrics` is served somewhere (then answers are measured).
    pub fn enabled(&self) -> bool {
        self.addr.is_some() || self.bearer_token.is_some()
    }
}

/// Shows everything but the token.
impl std::fmt::Debug for MetricsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsConfig")
            .field("addr", &self.addr)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// `[metrics]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileMetrics {
    /// `HOST:PORT` of the metrics listener.
    addr: Option<Spanned<String>>,
    /// The bearer token for `/metrics` on the main port.
    bearer_token: Option<Spanned<String>>,
}

impl MetricsConfig {
    /// Resolves the file's `[metrics]` and the environment's overrides.
    pub(super) fn resolve(file: &FileMetrics, sources: &Sources) -> Result<Self, String> {
        let addr = match (sources.var("SLUICE_METRICS_ADDR"), &file.addr) {
            (Some(raw), _) => Some(parse_addr("SLUICE_METRICS_ADDR", raw)?),
            (None, Some(value)) => Some(parse_addr(
                &sources.in_file(ADDR, value.span().start),
                value.get_ref(),
            )?),
            (None, None) => None,
        };
        let bearer_token = match (sources.var("SLUICE_METRICS_TOKEN"), &file.bearer_token) {
            (Some(raw), _) => Some(check_token("SLUICE_METRICS_TOKEN", raw)?),
            (None, Some(value)) => Some(check_token(
                &sources.in_file(BEARER_TOKEN, value.span().start),
                value.get_ref(),
            )?),
            (None, None) => None,
        };
        Ok(Self { addr, bearer_token })
    }
}

/// An IP address and port (a host name would be resolved differently by each replica).
fn parse_addr(origin: &str, raw: &str) -> Result<SocketAddr, String> {
    raw.trim().parse().map_err(|_| {
        refusal(
            origin,
            "an IP address and port such as 127.0.0.1:9100",
            &format!("{raw:?}"),
        )
    })
}

/// A token long enough not to be guessed, of visible ASCII (it travels in a header).
fn check_token(origin: &str, raw: &str) -> Result<String, String> {
    let token = raw.trim();
    if token.len() < MIN_TOKEN_CHARS || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(refusal(
            origin,
            &format!("at least {MIN_TOKEN_CHARS} visible ASCII characters"),
            "another value (not shown: it is a secret)",
        ));
    }
    Ok(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::source::env_map;

    #[test]
    fn nothing_set_serves_no_metrics_and_bad_values_name_their_source() {
        let env = env_map(&[]);
        let sources = Sources::new(&env, "sluice.toml".into(), "");
        let config = MetricsConfig::resolve(&FileMetrics::default(), &sources).unwrap();
        assert!(!config.enabled());

        let env = env_map(&[("SLUICE_METRICS_ADDR", "localhost")]);
        let sources = Sources::new(&env, "sluice.toml".into(), "");
        let error = MetricsConfig::resolve(&FileMetrics::default(), &sources).unwrap_err();
        assert!(error.starts_with("SLUICE_METRICS_ADDR must be"), "{error}");

        let env = env_map(&[("SLUICE_METRICS_TOKEN", "short-secret")]);
        let sources = Sources::new(&env, "sluice.toml".into(), "");
        let error = MetricsConfig::resolve(&FileMetrics::default(), &sources).unwrap_err();
        assert!(error.starts_with("SLUICE_METRICS_TOKEN must be"), "{error}");
        assert!(!error.contains("short-secret"), "{error}");

        let env = env_map(&[
            ("SLUICE_METRICS_ADDR", "127.0.0.1:9100"),
            ("SLUICE_METRICS_TOKEN", "a-long-enough-token"),
        ]);
        let sources = Sources::new(&env, "sluice.toml".into(), "");
        let config = MetricsConfig::resolve(&FileMetrics::default(), &sources).unwrap();
        assert_eq!(config.addr, Some("127.0.0.1:9100".parse().unwrap()));
        assert!(!format!("{config:?}").contains("a-long-enough-token"));
    }
}
