//! Pure helpers for the Anthropic Messages stream that do not depend on the parser's state:
//! stop reasons, the usage object (merged across `message_start` and `message_delta`) and the
//! user-facing wording of `event: error` payloads. Used by [`crate::anthropic::messages`].

use serde_json::{Map, Value};

use crate::event::{ProviderError, ProviderErrorKind};
use sluice_wire::events::{FinishReason, Usage};

/// Longest provider-written error detail passed on to a user, in characters.
const MAX_DETAIL_CHARS: usize = 200;

/// Maps a Messages API `stop_reason`: `end_turn`/`stop_sequence` -> Stop, `max_tokens` ->
/// Length, `tool_use` -> ToolCalls, `refusal` -> ContentFilter, anything else (`pause_turn`,
/// `model_context_window_exceeded`, future values) kept verbatim as `Other`.
pub fn finish_reason(stop_reason: &str) -> FinishReason {
    match stop_reason {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_string()),
    }
}

/// Overlays a `usage` object onto the usage merged so far: `message_delta` counts are
/// cumulative and, on newer streams, also restate input and cache counts, so each key present
/// (and not `null`) replaces the earlier value.
pub fn merge_usage(merged: &mut Option<Map<String, Value>>, update: &Value) {
    let Some(update) = update.as_object() else {
        return;
    };
    let merged = merged.get_or_insert_with(Map::new);
    for (key, value) in update.iter().filter(|(_, value)| !value.is_null()) {
        merged.insert(key.clone(), value.clone());
    }
}

/// The app's [`Usage`] from a merged Anthropic usage object. Anthropic's `input_tokens` leaves
/// out cached prompt tokens, so the prompt size is `input_tokens + cache_creation_input_tokens
/// + cache_read_input_tokens` (what OpenAI calls `prompt_tokens`). Anthropic does not count
///   thinking tokens apart, so `reasoning_tokens` is `None`.
pub fn usage_of(merged: &Map<String, Value>) -> Usage {
    let count = |key: &str| merged.get(key).and_then(Value::as_u64).unwrap_or(0);
    Usage {
        input_tokens: count("input_tokens")
            .saturating_add(count("cache_creation_input_tokens"))
            .saturating_add(count("cache_read_input_tokens")),
        output_tokens: count("output_tokens"),
        reasoning_tokens: None,
    }
}

/// The user-facing error for an `event: error` payload (`{"type":"error","error":{"type":
/// "overloaded_error","message":"Overloaded"}}`). The error type decides the kind and the
/// sentence, naming `provider`; the provider's own message is appended only where it adds
/// something (request, server and unknown errors) and only if it is short and clean.
pub fn stream_error(provider: &str, payload: &Value) -> ProviderError {
    let error = payload.get("error").unwrap_or(payload);
    let error_type = error.get("type").and_then(Value::as_str).unwrap_or("");
    let detail = error.get("message").and_then(clean_detail);
    let with_detail = |sentence: String| match &detail {
        Some(detail) => format!("{sentence}: {detail}."),
        None => format!("{sentence}."),
    };
    let (kind, message) = match error_type {
        "overloaded_error" => (
            ProviderErrorKind::Upstream,
            format!("{provider} is overloaded; try again shortly."),
        ),
        "rate_limit_error" => (
            ProviderErrorKind::RateLimited {
                retry_after_secs: None,
            },
            format!("Rate limited by {provider}, retry later."),
        ),
        "authentication_error" => (
            ProviderErrorKind::Auth,
            format!("Invalid API key for {provider}."),
        ),
        "permission_error" => (
            ProviderErrorKind::Auth,
            format!("The API key for {provider} may not use this model or feature."),
        ),
        "not_found_error" => (
            ProviderErrorKind::NotFound,
            format!("{provider} does not know this model or endpoint."),
        ),
        "timeout_error" => (
            ProviderErrorKind::Timeout,
            format!("{provider} took too long to answer. Try again later."),
        ),
        "request_too_large" => (
            ProviderErrorKind::BadRequest,
            format!("The conversation is too large for {provider}."),
        ),
        "invalid_request_error" => (
            ProviderErrorKind::BadRequest,
            with_detail(format!("{provider} rejected the request")),
        ),
        _ => (
            ProviderErrorKind::Upstream,
            with_detail(format!("{provider} failed mid-answer")),
        ),
    };
    ProviderError::new(kind, message)
}

/// A provider message fit to show: a string of at most [`MAX_DETAIL_CHARS`] characters after
/// trimming, without control characters, and not looking like JSON; `None` otherwise.
fn clean_detail(message: &Value) -> Option<String> {
    let text = message.as_str()?.trim();
    let clean = !text.is_empty()
        && text.chars().count() <= MAX_DETAIL_CHARS
        && !text.chars().any(char::is_control)
        && !text.starts_with(['{', '[']);
    clean.then(|| text.trim_end_matches('.').to_string())
}
