//! What one Gemini `GenerateContentResponse` chunk means: the parts of candidate 0, the
//! finish reason, `usageMetadata`, a blocked prompt, or an error object. Pure functions over
//! `serde_json::Value`, used by the parser in `mod.rs`.

use serde_json::Value;

use crate::event::{clean_provider_message, ProviderError, ProviderErrorKind};
use sluice_wire::events::{FinishReason, Usage};

/// One part of candidate 0's content, as the parser cares about it.
#[derive(Debug, PartialEq)]
pub(crate) enum Part {
    /// Answer text.
    Text(String),
    /// A thought-summary part (`"thought": true`).
    Thought(String),
    /// A whole function call: Gemini never streams its arguments in pieces.
    FunctionCall {
        /// Call id, which newer API versions give.
        id: Option<String>,
        /// Function name.
        name: String,
        /// The `args` object serialised as JSON text (`{}` when absent).
        arguments: String,
    },
}

/// Candidate 0 (the candidate with `index` 0, or the first one when indexes are absent).
pub(crate) fn first_candidate(chunk: &Value) -> Option<&Value> {
    let candidates = chunk.get("candidates")?.as_array()?;
    candidates
        .iter()
        .enumerate()
        .find(
            |(position, candidate)| match candidate.get("index").and_then(Value::as_u64) {
                Some(index) => index == 0,
                None => *position == 0,
            },
        )
        .map(|(_, candidate)| candidate)
}

/// The parts of a candidate that carry something to show; empty texts and unknown part kinds
/// (inline data, executable code, bare thought signatures…) are skipped.
pub(crate) fn parts(candidate: &Value) -> Vec<Part> {
    let Some(parts) = candidate
        .get("content")
        .and_then(|content| content.get("parts"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    parts.iter().filter_map(part).collect()
}

/// Interprets one part.
fn part(part: &Value) -> Option<Part> {
    if let Some(call) = part.get("functionCall").filter(|call| call.is_object()) {
        let arguments = match call.get("args") {
            Some(args) if !args.is_null() => args.to_string(),
            _ => "{}".to_string(),
        };
        return Some(Part::FunctionCall {
            id: call.get("id").and_then(Value::as_str).map(str::to_string),
            name: call
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            arguments,
        });
    }
    let text = part
        .get("text")
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())?
        .to_string();
    if part.get("thought").and_then(Value::as_bool) == Some(true) {
        Some(Part::Thought(text))
    } else {
        Some(Part::Text(text))
    }
}

/// The candidate's `finishReason`, unless absent or `FINISH_REASON_UNSPECIFIED`.
pub(crate) fn finish_reason(candidate: &Value) -> Option<&str> {
    candidate
        .get("finishReason")
        .and_then(Value::as_str)
        .filter(|reason| !reason.is_empty() && *reason != "FINISH_REASON_UNSPECIFIED")
}

/// Maps a Gemini finish reason; `STOP` after function calls means the model wants them run.
/// Unknown reasons are kept in lower case (`MALFORMED_FUNCTION_CALL` -> `malformed_function_call`).
pub(crate) fn map_finish_reason(reason: &str, had_tool_calls: bool) -> FinishReason {
    match reason {
        "STOP" if had_tool_calls => FinishReason::ToolCalls,
        "STOP" => FinishReason::Stop,
        "MAX_TOKENS" => FinishReason::Length,
        "SAFETY"
        | "RECITATION"
        | "BLOCKLIST"
        | "PROHIBITED_CONTENT"
        | "SPII"
        | "IMAGE_SAFETY"
        | "IMAGE_PROHIBITED_CONTENT"
        | "IMAGE_RECITATION" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_ascii_lowercase()),
    }
}

/// Reads `usageMetadata`. Input counts the prompt plus tool-use prompt tokens (search results
/// fed back in); output counts answer plus thought tokens, as OpenAI's `completion_tokens`
/// does, so input + output equals Gemini's `totalTokenCount`; reasoning is the thought count.
pub(crate) fn usage(chunk: &Value) -> Option<Usage> {
    let usage = chunk
        .get("usageMetadata")
        .filter(|usage| usage.is_object())?;
    let count = |name: &str| usage.get(name).and_then(Value::as_u64);
    let thoughts = count("thoughtsTokenCount");
    Some(Usage {
        input_tokens: count("promptTokenCount")
            .unwrap_or(0)
            .saturating_add(count("toolUsePromptTokenCount").unwrap_or(0)),
        output_tokens: count("candidatesTokenCount")
            .unwrap_or(0)
            .saturating_add(thoughts.unwrap_or(0)),
        reasoning_tokens: thoughts,
    })
}

/// The error for a prompt Gemini refused to answer (`promptFeedback.blockReason`), if any.
pub(crate) fn blocked_prompt(chunk: &Value) -> Option<ProviderError> {
    let reason = chunk
        .get("promptFeedback")?
        .get("blockReason")?
        .as_str()
        .filter(|reason| !reason.is_empty() && *reason != "BLOCK_REASON_UNSPECIFIED")?;
    let words = match reason {
        "SAFETY" => "for safety reasons",
        "BLOCKLIST" => "because it contains blocked terms",
        "PROHIBITED_CONTENT" => "for prohibited content",
        "IMAGE_SAFETY" => "for image safety reasons",
        _ => "by its content filter",
    };
    Some(ProviderError::new(
        ProviderErrorKind::BadRequest,
        format!("Gemini blocked the prompt {words}; rephrase it and try again."),
    ))
}

/// Maps a Google RPC error object (`{"code": 429, "message": …, "status": "RESOURCE_EXHAUSTED"}`)
/// to a user-safe error: the status (or else the HTTP-like code) decides the kind, the message
/// is Google's own text, cleaned and capped, never the raw JSON.
pub(crate) fn stream_error(error: &Value) -> ProviderError {
    let status = error.get("status").and_then(Value::as_str);
    let code = error.get("code").and_then(Value::as_u64);
    let kind = match status {
        Some("UNAUTHENTICATED" | "PERMISSION_DENIED") => ProviderErrorKind::Auth,
        Some("RESOURCE_EXHAUSTED") => ProviderErrorKind::RateLimited {
            retry_after_secs: None,
        },
        Some("NOT_FOUND") => ProviderErrorKind::NotFound,
        Some("INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "OUT_OF_RANGE") => {
            ProviderErrorKind::BadRequest
        }
        Some("DEADLINE_EXCEEDED") => ProviderErrorKind::Timeout,
        Some(_) => ProviderErrorKind::Upstream,
        None => match code.and_then(|code| u16::try_from(code).ok()) {
            Some(code @ (400..=498 | 500..=599)) => ProviderErrorKind::from_http_status(code, None),
            _ => ProviderErrorKind::Upstream,
        },
    };
    let message =
        clean_provider_message(error).unwrap_or_else(|| kind.default_message().to_string());
    ProviderError::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parts_split_text_thoughts_and_calls() {
        let candidate = json!({"content": {"parts": [
            {"text": "Hi"}, {"text": "hmm", "thought": true}, {"text": ""},
            {"functionCall": {"name": "f", "args": {"a": 1}}, "thoughtSignature": "x"},
            {"inlineData": {"mimeType": "image/png", "data": ""}},
        ]}});
        assert_eq!(
            parts(&candidate),
            vec![
                Part::Text("Hi".into()),
                Part::Thought("hmm".into()),
                Part::FunctionCall {
                    id: None,
                    name: "f".into(),
                    arguments: r#"{"a":1}"#.into()
                },
            ]
        );
    }

    #[test]
    fn finish_reasons_map() {
        assert_eq!(map_finish_reason("STOP", false), FinishReason::Stop);
        assert_eq!(map_finish_reason("STOP", true), FinishReason::ToolCalls);
        assert_eq!(map_finish_reason("MAX_TOKENS", true), FinishReason::Length);
        assert_eq!(
            map_finish_reason("SPII", false),
            FinishReason::ContentFilter
        );
        assert_eq!(
            map_finish_reason("MALFORMED_FUNCTION_CALL", false),
            FinishReason::Other("malformed_function_call".into())
        );
    }

    #[test]
    fn errors_map_by_status_then_code() {
        let quota =
            json!({"code": 429, "message": "Quota\nexceeded", "status": "RESOURCE_EXHAUSTED"});
        let error = stream_error(&quota);
        assert_eq!(
            error.kind,
            ProviderErrorKind::RateLimited {
                retry_after_secs: None
            }
        );
        assert_eq!(error.message, "Quota exceeded");
        let cancelled = json!({"code": 499, "status": "CANCELLED"});
        assert_eq!(stream_error(&cancelled).kind, ProviderErrorKind::Upstream);
        assert_eq!(
            stream_error(&json!({"code": 403})).kind,
            ProviderErrorKind::Auth
        );
    }
}
