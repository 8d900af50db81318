//! The connection limits of `[server]`: how many connections the process holds at once, how
//! long a client may take to send a request's header and then its body, how long a keep-alive
//! connection may sit idle, and how many readers may follow one live turn. Environment
//! variables `SLUICE_MAX_CONNECTIONS`, `SLUICE_HEADER_TIMEOUT_SECS`, `SLUICE_BODY_TIMEOUT_SECS`,
//! `SLUICE_IDLE_TIMEOUT_SECS` and `SLUICE_READERS_PER_TURN` override the file; the timeouts
//! accept fractions (tests use short ones). The accept loop (`accept_loop`, with
//! `connection_watch` and `body_deadline`) and `turn_resume` enforce them.

use super::source::{Decimal, Setting, Sources, Whole};
use std::time::Duration;
use toml::Spanned;

/// Connection limits, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionsConfig {
    /// Connections served at once by this process (default 1024): each holds a file
    /// descriptor and some memory, so a flood of connections must stop somewhere short of the
    /// descriptor limit. Past it a new connection gets a 503 sentence and is closed.
    pub max_connections: usize,
    /// How long a client may take to send a complete request header, counted from the
    /// connection's opening or from the first byte of a later request (default 10 s: a
    /// browser sends its header in one packet; a client that dribbles it is holding a
    /// connection hostage).
    pub header_timeout: Duration,
    /// How long a client may take to send a request's whole body, counted from the end of its
    /// header (default 30 s: an import of several MiB from a slow uplink fits; a client that
    /// declares a large body and trickles it, or sends none, is holding a connection hostage).
    /// Past it the request gets a 408 sentence and the connection is closed. It stops once
    /// the body has been read, so it never cuts a response.
    pub body_timeout: Duration,
    /// How long a keep-alive connection may wait for its next request with nothing in flight
    /// (default 60 s, longer than browsers keep idle connections). A response in progress,
    /// such as a streaming answer, is never cut by this or by `header_timeout`.
    pub idle_timeout: Duration,
    /// Readers that may follow one live turn at once through `resume` or the `EventSource`
    /// route (default 16: many tabs and devices of one person, yet one user cannot pin
    /// hundreds of streaming connections to one answer). The tab that started the turn counts
    /// as one of them but is never refused.
    pub readers_per_turn: usize,
}

impl Default for ConnectionsConfig {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            readers_per_turn: 16,
        }
    }
}

/// The `[server]` keys these limits are read from (`None`: not in the file).
#[derive(Debug, Default)]
pub(super) struct FileConnections<'a> {
    /// `max_connections`.
    pub max_connections: Option<&'a Spanned<i64>>,
    /// `header_timeout_secs`.
    pub header_timeout_secs: Option<&'a Spanned<f64>>,
    /// `body_timeout_secs`.
    pub body_timeout_secs: Option<&'a Spanned<f64>>,
    /// `idle_timeout_secs`.
    pub idle_timeout_secs: Option<&'a Spanned<f64>>,
    /// `readers_per_turn`.
    pub readers_per_turn: Option<&'a Spanned<i64>>,
}

/// Accepted `max_connections`: beyond a million, the descriptor limit is reached first anyway.
const MAX_CONNECTIONS: Whole = Whole::range(1, 1_000_000, "");

/// Accepted `readers_per_turn`.
const READERS_PER_TURN: Whole = Whole::range(1, 10_000, "");

/// Accepted timeouts.
const TIMEOUT: Decimal = Decimal::range(0.1, 3600.0, "seconds");

impl ConnectionsConfig {
    /// Resolves the file's values and the environment's overrides, range-checked.
    pub(super) fn resolve(file: FileConnections, sources: &Sources) -> Result<Self, String> {
        let defaults = Self::default();
        let seconds = |var, key, from_file, default: Duration| {
            sources
                .decimal(
                    Setting::new(var, "[server]", key),
                    from_file,
                    TIMEOUT,
                    default.as_secs_f64(),
                )
                .map(Duration::from_secs_f64)
        };
        Ok(Self {
            max_connections: sources.whole_usize(
                Setting::new("SLUICE_MAX_CONNECTIONS", "[server]", "max_connections"),
                file.max_connections,
                MAX_CONNECTIONS,
                defaults.max_connections,
            )?,
            header_timeout: seconds(
                "SLUICE_HEADER_TIMEOUT_SECS",
                "header_timeout_secs",
                file.header_timeout_secs,
                defaults.header_timeout,
            )?,
            body_timeout: seconds(
                "SLUICE_BODY_TIMEOUT_SECS",
                "body_timeout_secs",
                file.body_timeout_secs,
                defaults.body_timeout,
            )?,
            idle_timeout: seconds(
                "SLUICE_IDLE_TIMEOUT_SECS",
                "idle_timeout_secs",
                file.idle_timeout_secs,
                defaults.idle_timeout,
            )?,
            readers_per_turn: sources.whole_usize(
                Setting::new("SLUICE_READERS_PER_TURN", "[server]", "readers_per_turn"),
                file.readers_per_turn,
                READERS_PER_TURN,
                defaults.readers_per_turn,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::source::env_map;
    use super::*;
    use std::collections::HashMap;

    /// Resolves with `file` and `env`.
    fn resolve(
        file: FileConnections,
        env: &HashMap<String, String>,
    ) -> Result<ConnectionsConfig, String> {
        ConnectionsConfig::resolve(file, &Sources::new(env, "sluice.toml".into(), ""))
    }

    #[test]
    fn defaults_file_values_and_env_overrides() {
        let none = resolve(FileConnections::default(), &env_map(&[]));
        assert_eq!(none, Ok(ConnectionsConfig::default()));
        let (max, header, body, idle, readers) = (
            Spanned::new(0..0, 10),
            Spanned::new(0..0, 2.5),
            Spanned::new(0..0, 45.0),
            Spanned::new(0..0, 30.0),
            Spanned::new(0..0, 4),
        );
        let file = FileConnections {
            max_connections: Some(&max),
            header_timeout_secs: Some(&header),
            body_timeout_secs: Some(&body),
            idle_timeout_secs: Some(&idle),
            readers_per_turn: Some(&readers),
        };
        let resolved = resolve(
            file,
            &env_map(&[
                ("SLUICE_MAX_CONNECTIONS", "20"),
                ("SLUICE_HEADER_TIMEOUT_SECS", "0.25"),
            ]),
        );
        assert_eq!(
            resolved,
            Ok(ConnectionsConfig {
                max_connections: 20,
                header_timeout: Duration::from_millis(250),
                body_timeout: Duration::from_secs(45),
                idle_timeout: Duration::from_secs(30),
                readers_per_turn: 4,
            })
        );
    }

    #[test]
    fn out_of_range_values_stop_start_up_with_a_sentence() {
        for (name, value) in [
            ("SLUICE_MAX_CONNECTIONS", "0"),
            ("SLUICE_MAX_CONNECTIONS", "-3"),
            ("SLUICE_MAX_CONNECTIONS", "2000000"),
            ("SLUICE_READERS_PER_TURN", "0"),
            ("SLUICE_READERS_PER_TURN", "many"),
            ("SLUICE_HEADER_TIMEOUT_SECS", "0"),
            ("SLUICE_HEADER_TIMEOUT_SECS", "NaN"),
            ("SLUICE_IDLE_TIMEOUT_SECS", "86400"),
            ("SLUICE_BODY_TIMEOUT_SECS", "0.01"),
            ("SLUICE_BODY_TIMEOUT_SECS", "later"),
            ("SLUICE_IDLE_TIMEOUT_SECS", "soon"),
        ] {
            let error =
                resolve(FileConnections::default(), &env_map(&[(name, value)])).expect_err(value);
            assert!(error.starts_with(name), "{name}={value}: {error}");
        }
    }
}
