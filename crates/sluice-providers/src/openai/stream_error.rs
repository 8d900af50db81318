//! Errors that OpenAI-style APIs send *inside* a stream (after HTTP 200), shared by the Chat
//! Completions and Responses parsers: the error object's `code` / `type` decide the kind, its
//! `message` (cleaned; capped by the HTTP stream once the key is scrubbed) is what the user reads.
//! Never the raw JSON.

use serde_json::Value;

use crate::event::{clean_provider_message, ProviderError, ProviderErrorKind};

/// Maps an error object (`{"code", "type", "message"}`) or a bare string to a user-safe error.
///
/// Kinds: an invalid key or permission error is `Auth`; rate limits are `RateLimited`;
/// `insufficient_quota` (billing: waiting will not help) is `BadRequest`; an unknown model is
/// `NotFound`; `invalid_request_error` is `BadRequest`; anything else is `Upstream`.
pub(crate) fn stream_error(error: &Value) -> ProviderError {
    let label = |name: &str| error.get(name).and_then(Value::as_str).unwrap_or_default();
    let kind = match (label("code"), label("type")) {
        ("invalid_api_key", _) | (_, "authentication_error" | "permission_error") => {
            ProviderErrorKind::Auth
        }
        ("insufficient_quota", _) | (_, "insufficient_quota") => ProviderErrorKind::BadRequest,
        ("rate_limit_exceeded", _) | (_, "rate_limit_error" | "tokens" | "requests") => {
            ProviderErrorKind::RateLimited {
                retry_after_secs: None,
            }
        }
        ("model_not_found", _) | (_, "not_found_error") => ProviderErrorKind::NotFound,
        (_, "invalid_request_error") => ProviderErrorKind::BadRequest,
        _ => ProviderErrorKind::Upstream,
    };
    let message =
        clean_provider_message(error).unwrap_or_else(|| kind.default_message().to_string());
    ProviderError::new(kind, message)
}
