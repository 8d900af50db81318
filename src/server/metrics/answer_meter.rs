//! What one answer contributes to the metrics and the log, recorded at the single point where
//! its turn driver queues the terminal event: the latency and speed histograms per provider
//! and model, the count by final status, the cause of a stop, the provider's errors — and one
//! structured log line (`answer finished`, ids, model, status, TTFT, tokens, duration), never
//! any text of the conversation.

use super::names;
use crate::providers::ProviderErrorKind;
use crate::server::catalog::Catalog;
use std::time::Duration;
use tokio::time::Instant;

/// How an answer ended, for the `status` and `error_kind` labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// The provider finished it.
    Complete,
    /// Stop, a reader who left, or the grace period ran out.
    Stopped,
    /// Shutdown outlived it.
    Interrupted,
    /// It ended with an error of this kind.
    Error(&'static str),
}

impl AnswerOutcome {
    /// The `status` label.
    fn status(self) -> &'static str {
        match self {
            AnswerOutcome::Complete => "complete",
            AnswerOutcome::Stopped => "stopped",
            AnswerOutcome::Interrupted => "interrupted",
            AnswerOutcome::Error(_) => "error",
        }
    }

    /// The `error_kind` label (`none` unless it is an error).
    fn error_kind(self) -> &'static str {
        match self {
            AnswerOutcome::Error(kind) => kind,
            _ => "none",
        }
    }
}

/// Why a live turn was cancelled, for the `cause` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    /// Someone pressed Stop.
    User,
    /// Every reader left and the grace period is zero.
    Disconnect,
    /// Every reader left and none came back within the grace period.
    GraceExpiry,
    /// The server shut down before the answer ended.
    Shutdown,
}

impl StopCause {
    /// The `cause` label.
    fn label(self) -> &'static str {
        match self {
            StopCause::User => "user",
            StopCause::Disconnect => "disconnect",
            StopCause::GraceExpiry => "grace_expiry",
            StopCause::Shutdown => "shutdown",
        }
    }
}

/// The `error_kind` label of a provider's error.
pub fn provider_error_kind(kind: &ProviderErrorKind) -> &'static str {
    match kind {
        ProviderErrorKind::Auth => "auth",
        ProviderErrorKind::RateLimited { .. } => "rate_limited",
        ProviderErrorKind::BadRequest => "bad_request",
        ProviderErrorKind::NotFound => "not_found",
        ProviderErrorKind::Upstream => "upstream",
        ProviderErrorKind::Network => "network",
        ProviderErrorKind::Protocol => "protocol",
        ProviderErrorKind::Timeout => "timeout",
    }
}

/// The `model` label of `model_id`: the id itself when the catalog offers it, else
/// [`names::OTHER_MODEL`], so a label never carries what a user typed.
pub fn model_label(catalog: &Catalog, model_id: &str) -> String {
    if catalog.resolve(model_id).is_some() {
        model_id.to_string()
    } else {
        names::OTHER_MODEL.to_string()
    }
}

/// The measurements of one answer, from its admission to its end.
pub struct AnswerMeter {
    /// The provider's id (from the catalog).
    provider: String,
    /// The model label ([`model_label`]).
    model: String,
    /// The turn's id, for the log line.
    turn_id: String,
    /// The stored answer's id (`None`: a temporary chat), for the log line.
    answer_id: Option<String>,
    /// When the turn request was admitted (TTFT and duration start here).
    requested_at: Instant,
    /// When the upstream request started (upstream TTFT starts here).
    upstream_at: Instant,
}

/// What the driver knows when the answer ends.
pub struct AnswerEnd {
    /// How it ended.
    pub outcome: AnswerOutcome,
    /// When the first output arrived, if any did.
    pub first_token_at: Option<Instant>,
    /// Output tokens per second after the first token, when measurable.
    pub tokens_per_second: Option<f64>,
    /// Output tokens (reported, else estimated).
    pub output_tokens: u64,
}

impl AnswerMeter {
    /// Starts measuring an answer of `model` (its label) from `provider`, admitted at
    /// `requested_at`, whose upstream request starts now.
    pub fn new(
        provider: &str,
        model: String,
        turn_id: &str,
        answer_id: Option<String>,
        requested_at: Instant,
    ) -> Self {
        Self {
            provider: provider.to_string(),
            model,
            turn_id: turn_id.to_string(),
            answer_id,
            requested_at,
            upstream_at: Instant::now(),
        }
    }

    /// When the upstream request started.
    pub fn upstream_at(&self) -> Instant {
        self.upstream_at
    }

    /// Counts a cancellation by `cause`.
    pub fn stopped(&self, cause: StopCause) {
        metrics::counter!(names::STOPS, names::CAUSE => cause.label()).increment(1);
    }

    /// Counts an error the provider reported (`status`: its HTTP status, when it had one).
    pub fn upstream_error(&self, status: Option<u16>) {
        let status = status.map_or_else(|| "none".to_string(), |s| s.to_string());
        metrics::counter!(
            names::UPSTREAM_ERRORS,
            names::PROVIDER => self.provider.clone(),
            names::HTTP_STATUS => status
        )
        .increment(1);
    }

    /// Records the answer's end: histograms, the count by status, the log line.
    pub fn finished(&self, end: &AnswerEnd) {
        let duration = Instant::now().saturating_duration_since(self.requested_at);
        let labels = [
            (names::PROVIDER, self.provider.clone()),
            (names::MODEL, self.model.clone()),
        ];
        let ttft = end
            .first_token_at
            .map(|first| first.saturating_duration_since(self.requested_at));
        if let (Some(ttft), Some(first)) = (ttft, end.first_token_at) {
            metrics::histogram!(names::TTFT, &labels).record(seconds(ttft));
            metrics::histogram!(names::UPSTREAM_TTFT, &labels)
                .record(seconds(first.saturating_duration_since(self.upstream_at)));
        }
        if let Some(speed) = end.tokens_per_second {
            metrics::histogram!(names::TOKENS_PER_SECOND, &labels).record(speed);
        }
        metrics::histogram!(names::DURATION, &labels).record(seconds(duration));
        metrics::counter!(
            names::ANSWERS,
            names::PROVIDER => self.provider.clone(),
            names::MODEL => self.model.clone(),
            names::STATUS => end.outcome.status(),
            names::ERROR_KIND => end.outcome.error_kind()
        )
        .increment(1);
        tracing::info!(
            turn_id = %self.turn_id,
            answer_id = self.answer_id.as_deref().unwrap_or("-"),
            provider = %self.provider,
            model = %self.model,
            status = end.outcome.status(),
            error_kind = end.outcome.error_kind(),
            ttft_ms = ttft.map(|t| t.as_millis() as u64),
            output_tokens = end.output_tokens,
            tokens_per_second = end.tokens_per_second,
            duration_ms = duration.as_millis() as u64,
            "answer finished"
        );
    }
}

/// A duration in seconds, as the histograms record it.
fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64()
}
