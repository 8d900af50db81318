//! `[telemetry]` of the configuration: how the server's log is written. `log_format` (env
//! `SLUICE_LOG_FORMAT`): `text` (the default, for a person at a terminal) or `json` (one JSON
//! object a line, for a log collector). The level stays `RUST_LOG` (default `info`).
//! `otlp_endpoint` (env `SLUICE_OTLP_ENDPOINT`, default none: off) exports the tracing spans
//! over OTLP/HTTP (JSON) to a collector at that base URL (`/v1/traces` is appended).

use super::source::{refusal, Setting, Sources};
use serde::Deserialize;

/// The log format setting.
const LOG_FORMAT: Setting = Setting::new("SLUICE_LOG_FORMAT", "[telemetry]", "log_format");

/// The OTLP endpoint setting.
const OTLP_ENDPOINT: Setting = Setting::new("SLUICE_OTLP_ENDPOINT", "[telemetry]", "otlp_endpoint");

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
    /// The OTLP/HTTP collector's base URL traces are exported to (`None`: no export).
    pub otlp_endpoint: Option<String>,
}

/// `[telemetry]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTelemetry {
    /// `text` or `json`.
    log_format: Option<LogFormat>,
    /// `http://collector:4318`.
    otlp_endpoint: Option<String>,
}

impl TelemetryConfig {
    /// Resolves the file's `[telemetry]` and the environment's override.
    pub(super) fn resolve(file: &FileTelemetry, sources: &Sources) -> Result<Self, String> {
        let otlp_endpoint = sources.text(OTLP_ENDPOINT, file.otlp_endpoint.clone());
        if let Some(url) = &otlp_endpoint {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                let origin = match sources.var("SLUICE_OTLP_ENDPOINT") {
                    Some(_) => "SLUICE_OTLP_ENDPOINT".to_string(),
                    None => "[telemetry] otlp_endpoint".to_string(),
                };
                return Err(refusal(
                    &origin,
                    "an http:// or https:// URL such as http://127.0.0.1:4318",
                    &format!("{url:?}"),
                ));
            }
        }
        Ok(Self {
            log_format: sources.word(LOG_FORMAT, file.log_format, LogFormat::Text)?,
            otlp_endpoint,
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
        assert_eq!(resolve(&[]).unwrap().otlp_endpoint, None, "off by default");
        let error = resolve(&[("SLUICE_OTLP_ENDPOINT", "collector:4318")]).unwrap_err();
        assert!(error.starts_with("SLUICE_OTLP_ENDPOINT must be"), "{error}");
    }
}
