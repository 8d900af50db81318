//! Pure parser for OpenAI Responses API streams (`POST /v1/responses`, `stream: true`). Bytes
//! in, [`ProviderEvent`]s out; no I/O, so it builds for wasm32 and is tested against recorded
//! fixtures.
//!
//! The body is SSE whose `event:` equals the JSON `type` (the JSON `type` is what counts; the
//! `event:` line is only a fallback). Rules:
//! * `response.output_text.delta` → [`ProviderEvent::Text`]; `response.refusal.delta` →
//!   [`ProviderEvent::Refusal`]; `response.reasoning_summary_text.delta` and
//!   `response.reasoning_text.delta` → [`ProviderEvent::Reasoning`] (pieces joined as sent,
//!   no separator between summary parts);
//! * `function_call` output items → tool-call start / argument deltas / end (see the
//!   `openai_responses_tools` module);
//! * `response.completed` → every open call ends, then [`ProviderEvent::Usage`] from
//!   `response.usage` and [`ProviderEvent::Finish`] (`ToolCalls` when the answer has function
//!   calls, else `Stop`); `response.incomplete` → the same with `Length` (`max_output_tokens`),
//!   `ContentFilter` (`content_filter`) or `Other(reason)`;
//! * `response.failed` → [`ProviderEvent::Error`] from `response.error`; an `error` event →
//!   `Error` from its `error` object or, when not nested, its top-level `code` / `message`
//!   (kinds: see `openai_stream_error`; the message is the provider's sentence, never JSON);
//!   so is an untyped `{"error": …}` payload;
//! * the terminal events above end the stream ([`ResponsesParser::is_done`]); there is no
//!   `[DONE]`; later bytes are ignored. `response.created`, `response.in_progress` and every
//!   other or unknown event type (annotations, web search progress, content parts…) are skipped;
//! * malformed JSON, or a line over [`sluice_wire::sse::MAX_LINE_BYTES`] (10 MB lines are skipped
//!   without being buffered), becomes one `Error(Protocol)`; after any error nothing more is
//!   emitted; text already emitted stays emitted;
//! * end of body without a terminal event: `Error(Protocol, "stream ended early")` (an
//!   unterminated last event is still used when it parses, so a `response.completed` missing
//!   only its blank line completes the answer).

use serde_json::Value;

use crate::event::{ProviderError, ProviderErrorKind, ProviderEvent};
use crate::openai::chat::{ENDED_EARLY_MESSAGE, MALFORMED_CHUNK_MESSAGE, OVERSIZED_CHUNK_MESSAGE};
use crate::openai::responses_tools::{ItemRef, ResponsesToolCalls};
use crate::openai::stream_error::stream_error;
use crate::sse_wire::SseWire;
use sluice_wire::events::{FinishReason, Usage};
use sluice_wire::sse::{SseDecoder, SseEvent};

/// Incremental parser for one Responses API body.
#[derive(Debug, Default)]
pub struct ResponsesParser {
    /// SSE framing of the body, fed line by line so errors land at the same point for any split.
    decoder: SseDecoder,
    /// A terminal event (`response.completed` / `incomplete` / `failed`) arrived.
    terminated: bool,
    /// An error was emitted; nothing more is, since the stream can no longer be trusted.
    errored: bool,
    /// [`ResponsesParser::finish`] ran; the body is over.
    ended: bool,
    /// The answer's function calls, assembled from item and argument events.
    tool_calls: ResponsesToolCalls,
}

impl ResponsesParser {
    /// A parser for a new response body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body (any split) and returns the events it completed.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        self.push_body(bytes)
    }

    /// Ends the body: flushes an unterminated last event, then reports a body that stopped
    /// before a terminal event as `Error(Protocol, "stream ended early")`.
    pub fn finish(&mut self) -> Vec<ProviderEvent> {
        self.finish_body()
    }

    /// Whether a terminal event (`response.completed`, `.incomplete` or `.failed`) was seen.
    pub fn is_done(&self) -> bool {
        self.terminated
    }

    /// A terminal event with an answer: ends open calls, then emits usage and the finish.
    fn complete(&mut self, chunk: &Value, reason: FinishReason, events: &mut Vec<ProviderEvent>) {
        self.terminated = true;
        self.tool_calls.end_all(events);
        if let Some(usage) = parse_usage(&chunk["response"]["usage"]) {
            events.push(ProviderEvent::Usage(usage));
        }
        events.push(ProviderEvent::Finish(reason));
    }

    /// Emits an error from the stream (or the generic upstream one) and stops.
    fn report(&mut self, error: Option<ProviderError>, events: &mut Vec<ProviderEvent>) {
        let error = error.unwrap_or_else(|| {
            let kind = ProviderErrorKind::Upstream;
            ProviderError::new(kind.clone(), kind.default_message())
        });
        self.errored = true;
        events.push(ProviderEvent::Error(error));
    }

    /// Emits a protocol-level error and stops.
    fn fail(&mut self, message: &str, events: &mut Vec<ProviderEvent>) {
        self.report(
            Some(ProviderError::new(ProviderErrorKind::Protocol, message)),
            events,
        );
    }
}

/// Whether an item event is about a `function_call` item.
fn is_function_call(chunk: &Value) -> bool {
    chunk["item"]["type"].as_str() == Some("function_call")
}

/// Whether a terminal event's `response.output` holds a function call.
fn has_function_call(chunk: &Value) -> bool {
    chunk["response"]["output"]
        .as_array()
        .is_some_and(|output| {
            output
                .iter()
                .any(|item| item["type"].as_str() == Some("function_call"))
        })
}

/// Reads a Responses `usage` object; `None` for `null` or a non-object.
fn parse_usage(usage: &Value) -> Option<Usage> {
    usage.as_object()?;
    Some(Usage {
        input_tokens: usage["input_tokens"].as_u64().unwrap_or(0),
        output_tokens: usage["output_tokens"].as_u64().unwrap_or(0),
        reasoning_tokens: usage["output_tokens_details"]["reasoning_tokens"].as_u64(),
    })
}

impl SseWire for ResponsesParser {
    fn decoder(&mut self) -> &mut SseDecoder {
        &mut self.decoder
    }

    /// Stops at a terminal event, the first error or the end of the body.
    fn stopped(&self) -> bool {
        self.terminated || self.errored || self.ended
    }

    /// Interprets one SSE event.
    fn handle_event(&mut self, event: &SseEvent, at_end: bool, events: &mut Vec<ProviderEvent>) {
        let chunk = match serde_json::from_str::<Value>(&event.data) {
            Ok(chunk) if chunk.is_object() => chunk,
            // A cut last event, or a Chat-style `[DONE]` before any terminal event: the
            // answer is incomplete either way.
            _ if at_end || event.data.trim() == "[DONE]" => {
                return self.fail(ENDED_EARLY_MESSAGE, events);
            }
            _ => return self.fail(MALFORMED_CHUNK_MESSAGE, events),
        };
        let kind = chunk
            .get("type")
            .and_then(Value::as_str)
            .or(event.event.as_deref())
            .unwrap_or_default();
        let text = |name: &str| {
            chunk
                .get(name)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let item = ItemRef {
            item_id: chunk.get("item_id").and_then(Value::as_str),
            output_index: chunk.get("output_index").and_then(Value::as_u64),
        };
        match kind {
            "response.output_text.delta" => events.extend(text("delta").map(ProviderEvent::Text)),
            "response.refusal.delta" => events.extend(text("delta").map(ProviderEvent::Refusal)),
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                events.extend(text("delta").map(ProviderEvent::Reasoning))
            }
            "response.output_item.added" if is_function_call(&chunk) => {
                self.tool_calls.added(&chunk, events)
            }
            "response.function_call_arguments.delta" => {
                let piece = chunk.get("delta").and_then(Value::as_str).unwrap_or("");
                self.tool_calls.delta(item, piece, events)
            }
            "response.function_call_arguments.done" => {
                let full = chunk.get("arguments").and_then(Value::as_str);
                self.tool_calls.done(item, full, events)
            }
            "response.output_item.done" if is_function_call(&chunk) => {
                let done_item = ItemRef {
                    item_id: chunk["item"].get("id").and_then(Value::as_str),
                    ..item
                };
                let full = chunk["item"].get("arguments").and_then(Value::as_str);
                self.tool_calls.done(done_item, full, events)
            }
            "response.completed" => {
                let reason = if self.tool_calls.any() || has_function_call(&chunk) {
                    FinishReason::ToolCalls
                } else {
                    FinishReason::Stop
                };
                self.complete(&chunk, reason, events)
            }
            "response.incomplete" => {
                let reason = chunk["response"]["incomplete_details"]["reason"].as_str();
                let reason = match reason.unwrap_or("incomplete") {
                    "max_output_tokens" => FinishReason::Length,
                    "content_filter" => FinishReason::ContentFilter,
                    other => FinishReason::Other(other.to_string()),
                };
                self.complete(&chunk, reason, events)
            }
            "response.failed" => {
                self.terminated = true;
                let error = chunk["response"].get("error").filter(|e| !e.is_null());
                self.report(error.map(stream_error), events)
            }
            "error" => {
                let error = chunk.get("error").filter(|error| error.is_object());
                self.report(Some(stream_error(error.unwrap_or(&chunk))), events)
            }
            // An untyped `{"error": ...}` payload, as gateways in front of the API send.
            "" if chunk.get("error").is_some_and(|error| !error.is_null()) => {
                self.report(Some(stream_error(&chunk["error"])), events)
            }
            _ => {}
        }
    }

    fn fail_oversized(&mut self, events: &mut Vec<ProviderEvent>) {
        self.fail(OVERSIZED_CHUNK_MESSAGE, events);
    }

    /// Without a terminal event the answer is incomplete.
    fn ended_unterminated(&mut self, events: &mut Vec<ProviderEvent>) {
        self.fail(ENDED_EARLY_MESSAGE, events);
    }

    fn mark_ended(&mut self) {
        self.ended = true;
    }
}

impl crate::StreamParser for ResponsesParser {
    fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        ResponsesParser::push_bytes(self, bytes)
    }

    fn finish(&mut self) -> Vec<ProviderEvent> {
        ResponsesParser::finish(self)
    }

    fn is_done(&self) -> bool {
        ResponsesParser::is_done(self)
    }
}
