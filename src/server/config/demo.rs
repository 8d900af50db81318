//! `[demo]` of the configuration: whether the offline demo model is offered and how fast it
//! answers. Environment variables `SLUICE_DEMO_TTFT_MS` and `SLUICE_DEMO_TOKENS_PER_SECOND`
//! override the file.

use super::source::{Decimal, Setting, Sources, Whole};
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

/// The offline demo model.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Whether the demo model is offered at all.
    pub enabled: bool,
    /// Delay before its first token.
    pub ttft: Duration,
    /// Its tokens per second.
    pub tokens_per_second: f64,
}

/// `[demo]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDemo {
    /// Offer the demo model.
    enabled: Option<bool>,
    /// Time to first token in ms.
    ttft_ms: Option<Spanned<i64>>,
    /// Token rate.
    tokens_per_second: Option<Spanned<f64>>,
}

/// Delay before the first token: up to a minute.
const TTFT_MS: Whole = Whole::range(0, 60_000, "milliseconds");

/// Token rate: 0 would never send the second token; above a million per second the pacing
/// timer cannot keep up anyway.
const TOKENS_PER_SECOND: Decimal = Decimal::range(0.1, 1_000_000.0, "tokens per second");

impl DemoConfig {
    /// Resolves the file's `[demo]` and the environment's overrides.
    pub(super) fn resolve(file: &FileDemo, sources: &Sources) -> Result<Self, String> {
        Ok(Self {
            enabled: file.enabled.unwrap_or(true),
            ttft: Duration::from_millis(sources.whole(
                Setting::new("SLUICE_DEMO_TTFT_MS", "[demo]", "ttft_ms"),
                file.ttft_ms.as_ref(),
                TTFT_MS,
                400,
            )?),
            tokens_per_second: sources.decimal(
                Setting::new(
                    "SLUICE_DEMO_TOKENS_PER_SECOND",
                    "[demo]",
                    "tokens_per_second",
                ),
                file.tokens_per_second.as_ref(),
                TOKENS_PER_SECOND,
                40.0,
            )?,
        })
    }
}
