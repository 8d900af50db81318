//! User-facing errors for failed HTTP responses, shared by every adapter: the status decides
//! the kind and the sentence; a provider's own message is shown only for request errors, with
//! the API key scrubbed. All four provider families put it at `error.message` (or `error` as a
//! string, Ollama).

use crate::event::{clean_provider_message, redact_then_cap};
use crate::{ProviderError, ProviderErrorKind};
use serde_json::Value;

/// Longest provider-written detail shown to a user.
const MAX_DETAIL_CHARS: usize = 300;

/// Builds the user-facing error for a non-2xx HTTP response. The status decides the kind and
/// the sentence (naming `provider`); the provider's own `error.message` is shown only for other
/// 4xx request errors, with `secret` (the API key) scrubbed. Never the raw body.
pub fn http_error(
    provider: &str,
    status: u16,
    body: &[u8],
    retry_after_secs: Option<u64>,
    secret: Option<&str>,
) -> ProviderError {
    let kind = ProviderErrorKind::from_http_status(status, retry_after_secs);
    let message = match &kind {
        ProviderErrorKind::Auth => format!("Invalid API key for {provider} (HTTP {status})."),
        ProviderErrorKind::NotFound => {
            format!("{provider} does not know this model or endpoint (HTTP {status}).")
        }
        ProviderErrorKind::RateLimited {
            retry_after_secs: Some(secs),
        } => format!("Rate limited by {provider}, retry after {secs} s."),
        ProviderErrorKind::RateLimited { .. } => {
            format!("Rate limited by {provider}, retry later.")
        }
        ProviderErrorKind::Timeout => {
            format!("{provider} took too long to answer (HTTP {status}). Try again later.")
        }
        ProviderErrorKind::BadRequest => {
            let detail = serde_json::from_slice::<Value>(body)
                .ok()
                .as_ref()
                .and_then(|value| value.get("error"))
                .and_then(clean_provider_message)
                // Scrubbed before the cut, so a key straddling it cannot leak its start.
                .map(|detail| redact_then_cap(&detail, secret, MAX_DETAIL_CHARS));
            match detail {
                Some(detail) => {
                    format!("{provider} rejected the request (HTTP {status}): {detail}")
                }
                None => format!("{provider} rejected the request (HTTP {status})."),
            }
        }
        _ => format!("{provider} is unavailable (HTTP {status}). Try again later."),
    };
    ProviderError::new(kind, message).with_status(status)
}
