//! `[turns]` of the configuration: how long a turn outlives its readers, how long shutdown
//! waits for live turns, and how long an upstream may stay silent. Environment variables
//! `SLUICE_TURN_GRACE_SECS`, `SLUICE_SHUTDOWN_DEADLINE_SECS` and `SLUICE_UPSTREAM_STALL_SECS`
//! override the file; fractions are allowed (tests use short times); each is more than 0 and at
//! most 86400.

use super::source::{Decimal, Setting, Sources};
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

/// Timings of live turns, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnsConfig {
    /// How long a turn keeps running after its last reader left, so a reload or a reconnect
    /// can resume it (default 30 s); then it is stopped and stored as `stopped`.
    pub grace: Duration,
    /// How long shutdown lets live turns finish before storing them as `interrupted` (default
    /// 8 s, under the 10 s most service managers wait before killing).
    pub shutdown_deadline: Duration,
    /// How long an upstream may send no byte at all before the turn ends with an error
    /// (default 120 s: reasoning models can think silently for a long time).
    pub upstream_stall: Duration,
}

impl Default for TurnsConfig {
    fn default() -> Self {
        Self {
            grace: Duration::from_secs(30),
            shutdown_deadline: Duration::from_secs(8),
            upstream_stall: Duration::from_secs(120),
        }
    }
}

/// `[turns]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTurns {
    /// Seconds a turn outlives its readers.
    grace_secs: Option<Spanned<f64>>,
    /// Seconds shutdown waits for live turns.
    shutdown_deadline_secs: Option<Spanned<f64>>,
    /// Seconds of upstream silence that end a turn.
    upstream_stall_secs: Option<Spanned<f64>>,
}

/// Every timing of `[turns]` is more than 0 and at most a day.
const TIMING: Decimal = Decimal::above(0.0, 86_400.0, "seconds");

impl TurnsConfig {
    /// Resolves the file's values and the environment's overrides.
    pub(super) fn resolve(file: &FileTurns, sources: &Sources) -> Result<Self, String> {
        let defaults = Self::default();
        let seconds = |var, key, from_file: &Option<Spanned<f64>>, default: Duration| {
            sources
                .decimal(
                    Setting::new(var, "[turns]", key),
                    from_file.as_ref(),
                    TIMING,
                    default.as_secs_f64(),
                )
                .map(Duration::from_secs_f64)
        };
        Ok(Self {
            grace: seconds(
                "SLUICE_TURN_GRACE_SECS",
                "grace_secs",
                &file.grace_secs,
                defaults.grace,
            )?,
            shutdown_deadline: seconds(
                "SLUICE_SHUTDOWN_DEADLINE_SECS",
                "shutdown_deadline_secs",
                &file.shutdown_deadline_secs,
                defaults.shutdown_deadline,
            )?,
            upstream_stall: seconds(
                "SLUICE_UPSTREAM_STALL_SECS",
                "upstream_stall_secs",
                &file.upstream_stall_secs,
                defaults.upstream_stall,
            )?,
        })
    }
}
