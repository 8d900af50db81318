//! `[cluster]` of the configuration: what replicas of one site share beyond the database.
//! `redis_url` (env `SLUICE_REDIS_URL`; `redis://` or `rediss://`) names the Redis server that
//! holds live answers (`server::cluster`) and every limit (`server::limits`), so N replicas
//! behave as one; unset, everything stays in this process as before.
//! `key_prefix` (env `SLUICE_REDIS_KEY_PREFIX`, default `sluice`) starts every key, so two
//! sites (or two tests) can share one Redis. `lease_ms` (env `SLUICE_CLUSTER_LEASE_MS`, default
//! 10000) is how long a replica that stopped renewing its lease still counts as alive: another
//! replica takes over its live answers within about 1.25 leases of its death (see
//! `server::cluster::instance`). A URL may hold a password, so a refusal never
//! repeats the value: it names where the value came from and at most its scheme.

use super::source::{refusal, Setting, Sources, Whole};
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

/// The setting as the file and the sentences name it.
const REDIS_URL: Setting = Setting::new("SLUICE_REDIS_URL", "[cluster]", "redis_url");

/// The key prefix setting.
const KEY_PREFIX: Setting = Setting::new("SLUICE_REDIS_KEY_PREFIX", "[cluster]", "key_prefix");

/// The owner lease setting.
const LEASE_MS: Setting = Setting::new("SLUICE_CLUSTER_LEASE_MS", "[cluster]", "lease_ms");

/// The owner lease's default: a dead replica's answers are closed within about 12.5 s.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(10);

/// What a refused URL must be, for the sentence.
const EXPECTED: &str = "a Redis URL (redis://[:PASSWORD@]HOST:PORT or rediss:// for TLS)";

/// The prefix of every key when none is configured.
pub const DEFAULT_KEY_PREFIX: &str = "sluice";

/// How replicas share state.
#[derive(Clone)]
pub struct ClusterConfig {
    /// The Redis server replicas share limits through; `None`: this process alone (the
    /// embedded default). It may hold a password: never logged or shown.
    pub redis_url: Option<String>,
    /// The first part of every Redis key (`{prefix}:limit:…`), so several sites or test runs
    /// can share one Redis without counting each other's requests.
    pub key_prefix: String,
    /// How long a replica's lease lasts unrenewed (it renews every third of it): how long a
    /// replica may look dead before another takes over its live answers, traded against how
    /// soon a killed replica's answers are closed.
    pub lease: Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            key_prefix: DEFAULT_KEY_PREFIX.to_string(),
            lease: DEFAULT_LEASE,
        }
    }
}

/// Shows everything but the URL, whose password must never reach a log line.
impl std::fmt::Debug for ClusterConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterConfig")
            .field("redis_url", &self.redis_url.as_ref().map(|_| "[redacted]"))
            .field("key_prefix", &self.key_prefix)
            .field("lease", &self.lease)
            .finish()
    }
}

/// `[cluster]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileCluster {
    /// A Redis URL (default: none, limits in this process).
    redis_url: Option<Spanned<String>>,
    /// The key prefix (default `sluice`).
    key_prefix: Option<String>,
    /// The owner lease in milliseconds (default 10000).
    lease_ms: Option<Spanned<i64>>,
}

impl ClusterConfig {
    /// Resolves the file's `[cluster]` and the environment's overrides.
    pub(super) fn resolve(file: &FileCluster, sources: &Sources) -> Result<Self, String> {
        let redis_url = match (sources.var("SLUICE_REDIS_URL"), &file.redis_url) {
            (Some(value), _) => Some(("SLUICE_REDIS_URL".to_string(), value.to_string())),
            (None, Some(value)) if !value.get_ref().trim().is_empty() => Some((
                sources.in_file(REDIS_URL, value.span().start),
                value.get_ref().trim().to_string(),
            )),
            _ => None,
        };
        let redis_url = match redis_url {
            Some((origin, value)) => {
                check(&origin, &value)?;
                Some(value)
            }
            None => None,
        };
        let key_prefix = sources
            .text(KEY_PREFIX, file.key_prefix.clone())
            .map(|prefix| prefix.trim().to_string())
            .filter(|prefix| !prefix.is_empty())
            .unwrap_or_else(|| DEFAULT_KEY_PREFIX.to_string());
        let lease_ms = sources.whole(
            LEASE_MS,
            file.lease_ms.as_ref(),
            Whole::range(1_000, 60_000, "milliseconds"),
            DEFAULT_LEASE.as_millis() as u64,
        )?;
        Ok(Self {
            redis_url,
            key_prefix,
            lease: Duration::from_millis(lease_ms),
        })
    }
}

/// Accepts a parseable `redis://` or `rediss://` URL with a host; the refusal shows no more
/// of the value than its scheme.
fn check(origin: &str, value: &str) -> Result<(), String> {
    let scheme = value
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("redis" | "rediss") => match url::Url::parse(value) {
            Ok(url) if url.host_str().is_some_and(|host| !host.is_empty()) => Ok(()),
            Ok(_) => Err(format!(
                "{origin} is not a valid Redis URL: it names no host"
            )),
            Err(e) => Err(format!("{origin} is not a valid Redis URL: {e}")),
        },
        _ => {
            let shown = match scheme {
                Some(scheme) if scheme.chars().all(|c| c.is_ascii_alphanumeric()) => {
                    format!("a {scheme}: URL")
                }
                _ => "a value that is not a Redis URL".to_string(),
            };
            Err(refusal(origin, EXPECTED, &shown))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::source::env_map;

    fn resolve_env(pairs: &[(&str, &str)]) -> Result<ClusterConfig, String> {
        let env = env_map(pairs);
        ClusterConfig::resolve(
            &FileCluster::default(),
            &Sources::new(&env, String::new(), ""),
        )
    }

    #[test]
    fn unset_means_no_redis_and_the_default_prefix() {
        let config = resolve_env(&[]).expect("default");
        assert_eq!(config.redis_url, None);
        assert_eq!(config.key_prefix, "sluice");
        assert_eq!(config.lease, DEFAULT_LEASE);
    }

    #[test]
    fn the_lease_is_whole_milliseconds_from_one_to_sixty_seconds() {
        let config = resolve_env(&[("SLUICE_CLUSTER_LEASE_MS", "3000")]).expect("3000");
        assert_eq!(config.lease, Duration::from_millis(3000));
        for bad in ["999", "60001", "2.5", "soon"] {
            let error = resolve_env(&[("SLUICE_CLUSTER_LEASE_MS", bad)]).expect_err(bad);
            assert!(error.starts_with("SLUICE_CLUSTER_LEASE_MS"), "{error}");
        }
    }

    #[test]
    fn redis_and_rediss_urls_are_accepted() {
        for url in [
            "redis://127.0.0.1:6379",
            "rediss://:pw@cache.example:6380/0",
        ] {
            let config =
                resolve_env(&[("SLUICE_REDIS_URL", url), ("SLUICE_REDIS_KEY_PREFIX", "t1")])
                    .expect(url);
            assert_eq!(config.redis_url.as_deref(), Some(url));
            assert_eq!(config.key_prefix, "t1");
        }
    }

    #[test]
    fn a_refusal_never_repeats_the_value() {
        for bad in [
            "http://user:hunter22@cache:6379",
            "hunter22",
            "redis://:hunter22@:99999",
        ] {
            let error = resolve_env(&[("SLUICE_REDIS_URL", bad)]).expect_err(bad);
            assert!(error.starts_with("SLUICE_REDIS_URL"), "{error}");
            assert!(!error.contains("hunter22"), "{error}");
        }
        let error = resolve_env(&[("SLUICE_REDIS_URL", "http://a:hunter22@b")]).expect_err("http");
        assert!(error.contains("a http: URL"), "{error}");
    }

    #[test]
    fn debug_hides_the_url() {
        let config =
            resolve_env(&[("SLUICE_REDIS_URL", "redis://:hunter22@cache:6379")]).expect("url");
        assert!(!format!("{config:?}").contains("hunter22"));
    }
}
