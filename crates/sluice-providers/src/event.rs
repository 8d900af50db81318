//! What a provider stream means to the app, independent of the provider's wire format: text
//! deltas, reasoning ("thinking") deltas, refusals, tool calls growing argument by argument,
//! usage, the finish reason, or an error that is safe to show a user.

use serde::{Deserialize, Serialize};

use sluice_wire::events::{FinishReason, Usage};

/// One meaningful step of a provider's answer stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderEvent {
    /// More answer text, to append as-is.
    Text(String),
    /// More refusal text (the model declined; OpenAI sends it apart from the content).
    Refusal(String),
    /// More reasoning / thinking text (shown apart from the answer, collapsed).
    Reasoning(String),
    /// A tool call begins. `index` identifies it among the answer's tool calls.
    ToolCallStart {
        /// Position of the call in this answer (0, 1, …); later deltas refer to it.
        index: u32,
        /// Provider-assigned call id, when the provider gives one.
        id: Option<String>,
        /// Name of the tool being called.
        name: String,
    },
    /// More of a tool call's JSON arguments (a fragment; the whole is valid JSON only at the end).
    ToolCallDelta {
        /// Which call (see `ToolCallStart::index`).
        index: u32,
        /// The next piece of the arguments' JSON text.
        arguments: String,
    },
    /// A tool call's arguments are complete.
    ToolCallEnd {
        /// Which call.
        index: u32,
    },
    /// Token counts for the whole request.
    Usage(Usage),
    /// Why the model stopped.
    Finish(FinishReason),
    /// The stream failed; nothing more follows.
    Error(ProviderError),
}

/// A failure described for the user: what kind it is and a message fit to display (never raw
/// provider JSON, never a secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderError {
    /// The category, which decides retry advice and how the UI words it.
    pub kind: ProviderErrorKind,
    /// Human-readable explanation, safe to show a user.
    pub message: String,
    /// The HTTP status of the refused response, when the error is one (the server's metrics
    /// count upstream errors by provider and status); `None` for network or in-stream errors.
    pub status: Option<u16>,
}

impl ProviderError {
    /// Builds an error from its kind and a user-safe message.
    pub fn new(kind: ProviderErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
        }
    }

    /// The same error, noting the HTTP status of the response it came from.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProviderError {}

/// Categories of provider failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderErrorKind {
    /// Missing or rejected API key (HTTP 401/403).
    Auth,
    /// Too many requests or quota (HTTP 429).
    RateLimited {
        /// Seconds the provider asked us to wait (`Retry-After`), when it said.
        retry_after_secs: Option<u64>,
    },
    /// The provider rejected the request itself (HTTP 400/422...).
    BadRequest,
    /// Unknown model or endpoint (HTTP 404).
    NotFound,
    /// The provider failed on its side (HTTP 5xx, or an error inside the stream).
    Upstream,
    /// The connection failed or broke.
    Network,
    /// The provider sent something we cannot understand (bad chunk, stream cut short).
    Protocol,
    /// The provider took too long.
    Timeout,
}

impl ProviderErrorKind {
    /// Maps an HTTP error status to a kind (`retry_after_secs` is used for 429 only).
    pub fn from_http_status(status: u16, retry_after_secs: Option<u64>) -> Self {
        match status {
            401 | 403 => Self::Auth,
            404 => Self::NotFound,
            408 | 504 => Self::Timeout,
            429 => Self::RateLimited { retry_after_secs },
            400..=499 => Self::BadRequest,
            _ => Self::Upstream,
        }
    }

    /// A generic, user-safe sentence for this kind, used when the provider gave no message.
    pub fn default_message(&self) -> &'static str {
        match self {
            Self::Auth => "The provider rejected the API key.",
            Self::RateLimited { .. } => "The provider is rate limiting requests. Try again later.",
            Self::BadRequest => "The provider rejected the request.",
            Self::NotFound => "The provider does not know this model.",
            Self::Upstream => "The provider reported an error.",
            Self::Network => "The connection to the provider failed.",
            Self::Protocol => "The provider sent a response we could not read.",
            Self::Timeout => "The provider took too long to answer.",
        }
    }
}

/// The provider's own explanation inside an error value — its `message`, or the value itself
/// when it is a string — with control characters turned into spaces; `None` when nothing
/// readable is left. Shared by every parser and the HTTP error policy so provider text reaches
/// users cleaned the same way. Not shortened here: it may hold the API key, which must be
/// scrubbed before any cut ([`redact_then_cap`]), or a key straddling the cut leaks its start.
pub fn clean_provider_message(error: &serde_json::Value) -> Option<String> {
    let raw = error
        .get("message")
        .and_then(serde_json::Value::as_str)
        .or(error.as_str())?;
    let spaced: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = spaced.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_string())
}

/// `text` with every occurrence of `secret` (the API key) replaced by `[redacted]`, *then* cut
/// to at most `max_chars` characters: scrubbing first means a key can never be half-shown.
pub fn redact_then_cap(text: &str, secret: Option<&str>, max_chars: usize) -> String {
    let redacted = match secret.filter(|s| !s.is_empty()) {
        Some(secret) => text.replace(secret, "[redacted]"),
        None => text.to_string(),
    };
    match redacted.char_indices().nth(max_chars) {
        Some((end, _)) => redacted[..end].to_string(),
        None => redacted,
    }
}

#[cfg(test)]
mod tests {
    use super::redact_then_cap;

    #[test]
    fn a_key_straddling_the_cut_is_scrubbed_not_half_shown() {
        let key = "sk-secret-0123456789";
        let text = format!("{}{key} trailing", "x".repeat(95));
        let shown = redact_then_cap(&text, Some(key), 100);
        assert_eq!(shown, format!("{}[reda", "x".repeat(95)));
        assert!(!shown.contains("sk-"), "{shown}");
        assert_eq!(redact_then_cap("héllo", None, 2), "hé");
        assert_eq!(redact_then_cap("short", Some(""), 100), "short");
    }
}
