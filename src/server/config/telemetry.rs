//! `[telemetry]` of the configuration: how the server's log is written. `log_format` (env
//! `SLUICE_LOG_FORMAT`): `text` (the default, for a person at a terminal) or `json` (one JSON
//! object a line, for a log collector). The level stays `RUST_LOG` (default `info`).

use super::source::{Setting, Sources};
use serde::Deserialize;

/// The log format setting.
const LOG_FORMAT: Setting = Setting::new("SLUICE_LOG_FORMAT", "[telemetry]", "log_format");

/// How each log line is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line (fields as keys), for log collectors.
    Json,
}

/// The telemetry settings.
#[derive(Clone, Debug, Default)]
pub struct TelemetryConfig {
    /// The log's format.
    pub log_format: LogFormat,
}

/// `[telemetry]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTelemetry {
    /// `text` or `json`.
    log_format: Option<LogFormat>,
}

impl TelemetryConfig {
    /// Resolves the file's `[telemetry]` and the environment's override.
    pub(super) fn resolve(file: &FileTelemetry, sources: &Sources) -> Result<Self, String> {
        Ok(Self {
            log_format: sources.word(LOG_FORMAT, file.log_format, LogFormat::Text)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::source::env_map;

    #[test]
    fn the_log_format_is_text_unless_json_is_asked_and_other_words_are_refused() {
        let resolve = |pairs: &[(&str, &str)]| {
            let env = env_map(pairs);
            let sources = Sources::new(&env, "sluice.toml".into(), "");
            TelemetryConfig::resolve(&FileTelemetry::default(), &sources)
        };
        assert_eq!(resolve(&[]).unwrap().log_format, LogFormat::Text);
        assert_eq!(
            resolve(&[("SLUICE_LOG_FORMAT", "json")])
                .unwrap()
                .log_format,
            LogFormat::Json
        );
        let error = resolve(&[("SLUICE_LOG_FORMAT", "xml")]).unwrap_err();
        assert!(error.starts_with("SLUICE_LOG_FORMAT"), "{error}");
    }
}
