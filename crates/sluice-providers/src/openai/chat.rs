//! Pure parser for OpenAI Chat Completions streams (`/v1/chat/completions`, `stream: true`),
//! also used for OpenAI-compatible servers (DeepSeek, OpenRouter...). Bytes in, [`ProviderEvent`]s
//! out; no I/O, so it builds for wasm32 and is tested against recorded fixtures.
//!
//! Rules:
//! * only choice index 0 counts (`n > 1` streams interleave choices): its non-empty
//!   `delta.content` becomes [`ProviderEvent::Text`], `delta.refusal` becomes
//!   [`ProviderEvent::Refusal`], `delta.reasoning_content` (DeepSeek, vLLM; or else
//!   `delta.reasoning`, OpenRouter) becomes [`ProviderEvent::Reasoning`], its first
//!   `finish_reason` becomes [`ProviderEvent::Finish`];
//! * `delta.tool_calls` fragments become tool-call start / argument-delta events (assembled by the
//!   `openai_chat_tools` module); every open call ends right before the finish reason (or at
//!   `[DONE]` if no finish reason came);
//! * a `usage` object on any chunk (the `choices: []` usage chunk, or DeepSeek's finish chunk)
//!   becomes [`ProviderEvent::Usage`]; `usage: null` is ignored;
//! * `data: [DONE]` ends the stream; later bytes are ignored; comments are ignored;
//! * a payload with an `error` member (or an `event: error`) becomes one
//!   [`ProviderEvent::Error`] with the provider's message, never the raw JSON;
//! * malformed JSON, or a line over [`sluice_wire::sse::MAX_LINE_BYTES`], becomes one
//!   `Error(Protocol)`; after any error the parser emits nothing more;
//! * end of body without `[DONE]`: fine if choice 0 already had a `finish_reason` (some
//!   compatible servers omit `[DONE]`; the answer is complete), otherwise
//!   `Error(Protocol, "stream ended early")`. An unterminated last event is still used if it
//!   parses (e.g. `data: [DONE]` without its blank line); if it does not, the body was cut
//!   mid-event, which counts as the same truncation (ignored after a finish reason, else
//!   "stream ended early"), not as a malformed chunk.

use serde_json::Value;

use crate::event::{ProviderError, ProviderErrorKind, ProviderEvent};
use crate::openai::chat_tools::ChatToolCalls;
use crate::openai::stream_error::stream_error;
use crate::sse_wire::SseWire;
use sluice_wire::events::{FinishReason, Usage};
use sluice_wire::sse::{SseDecoder, SseEvent};

/// Message of the error emitted for a chunk that is not a JSON object.
pub const MALFORMED_CHUNK_MESSAGE: &str = "malformed chunk from provider";
/// Message of the error emitted when the body ends before `[DONE]` and before any finish reason.
pub const ENDED_EARLY_MESSAGE: &str = "stream ended early";
/// Message of the error emitted when a line exceeds the SSE decoder's size limit.
pub const OVERSIZED_CHUNK_MESSAGE: &str = "oversized chunk from provider";

/// Incremental parser for one Chat Completions response body.
#[derive(Debug, Default)]
pub struct ChatCompletionsParser {
    /// SSE framing of the body, fed line by line so errors land at the same point for any split.
    decoder: SseDecoder,
    /// `data: [DONE]` arrived: the answer is complete and later bytes are ignored.
    saw_done: bool,
    /// Choice 0 already had a `finish_reason`: emitted once, and a body that then ends
    /// without `[DONE]` still counts as complete.
    saw_finish: bool,
    /// An error was emitted; nothing more is, since the stream can no longer be trusted.
    errored: bool,
    /// [`ChatCompletionsParser::finish`] ran; the body is over.
    ended: bool,
    /// Choice 0's tool calls, assembled from `delta.tool_calls` fragments.
    tool_calls: ChatToolCalls,
}

impl ChatCompletionsParser {
    /// A parser for a new response body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body (any split) and returns the events it completed.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        self.push_body(bytes)
    }

    /// Ends the body: flushes an unterminated last event, then reports a stream that stopped
    /// before both `[DONE]` and a finish reason as `Error(Protocol, "stream ended early")`.
    pub fn finish(&mut self) -> Vec<ProviderEvent> {
        self.finish_body()
    }

    /// Whether `data: [DONE]` was seen.
    pub fn is_done(&self) -> bool {
        self.saw_done
    }

    /// Emits the reasoning, text, refusal, tool-call fragments and first finish reason of
    /// choice 0 (the finish ends every open tool call first).
    fn handle_choice(&mut self, choice: &Value, events: &mut Vec<ProviderEvent>) {
        let delta = choice.get("delta");
        let field = |name: &str| {
            delta
                .and_then(|delta| delta.get(name))
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
        };
        if let Some(reasoning) = field("reasoning_content").or_else(|| field("reasoning")) {
            events.push(ProviderEvent::Reasoning(reasoning.to_string()));
        }
        if let Some(text) = field("content") {
            events.push(ProviderEvent::Text(text.to_string()));
        }
        if let Some(refusal) = field("refusal") {
            events.push(ProviderEvent::Refusal(refusal.to_string()));
        }
        if let Some(fragments) = delta.and_then(|delta| delta.get("tool_calls")) {
            self.tool_calls.push(fragments, events);
        }
        let finish = choice.get("finish_reason").and_then(Value::as_str);
        if let Some(reason) = finish.filter(|_| !self.saw_finish) {
            self.saw_finish = true;
            self.tool_calls.end_all(events);
            events.push(ProviderEvent::Finish(FinishReason::from_openai(reason)));
        }
    }

    /// Emits a protocol-level error and stops.
    fn fail(&mut self, kind: ProviderErrorKind, message: &str, events: &mut Vec<ProviderEvent>) {
        self.errored = true;
        events.push(ProviderEvent::Error(ProviderError::new(kind, message)));
    }
}

impl SseWire for ChatCompletionsParser {
    fn decoder(&mut self) -> &mut SseDecoder {
        &mut self.decoder
    }

    /// Stops at `[DONE]`, the first error or the end of the body.
    fn stopped(&self) -> bool {
        self.saw_done || self.errored || self.ended
    }

    /// Interprets one SSE event's data.
    fn handle_event(&mut self, event: &SseEvent, at_end: bool, events: &mut Vec<ProviderEvent>) {
        if event.data.trim() == "[DONE]" {
            self.tool_calls.end_all(events);
            self.saw_done = true;
            return;
        }
        let chunk = match serde_json::from_str::<Value>(&event.data) {
            Ok(chunk) if chunk.is_object() => chunk,
            _ if at_end && self.saw_finish => {
                self.ended = true;
                return;
            }
            _ => {
                let message = if at_end {
                    ENDED_EARLY_MESSAGE
                } else {
                    MALFORMED_CHUNK_MESSAGE
                };
                self.fail(ProviderErrorKind::Protocol, message, events);
                return;
            }
        };
        let error = chunk.get("error").filter(|error| !error.is_null());
        if let Some(error) = error.or((event.event.as_deref() == Some("error")).then_some(&chunk)) {
            events.push(ProviderEvent::Error(stream_error(error)));
            self.errored = true;
            return;
        }
        if let Some(choice) = first_choice(&chunk) {
            self.handle_choice(choice, events);
        }
        if let Some(usage) = chunk.get("usage").and_then(parse_usage) {
            events.push(ProviderEvent::Usage(usage));
        }
    }

    fn fail_oversized(&mut self, events: &mut Vec<ProviderEvent>) {
        self.fail(ProviderErrorKind::Protocol, OVERSIZED_CHUNK_MESSAGE, events);
    }

    /// Complete without `[DONE]` once choice 0 had a finish reason (some servers omit it).
    fn ended_unterminated(&mut self, events: &mut Vec<ProviderEvent>) {
        if !self.saw_finish {
            self.fail(ProviderErrorKind::Protocol, ENDED_EARLY_MESSAGE, events);
        }
    }

    fn mark_ended(&mut self) {
        self.ended = true;
    }
}

/// The choice with `index` 0 (or, lacking indexes, the first one).
fn first_choice(chunk: &Value) -> Option<&Value> {
    let choices = chunk.get("choices")?.as_array()?;
    choices
        .iter()
        .enumerate()
        .find(
            |(position, choice)| match choice.get("index").and_then(Value::as_u64) {
                Some(index) => index == 0,
                None => *position == 0,
            },
        )
        .map(|(_, choice)| choice)
}

/// Reads an OpenAI `usage` object; `None` for `null` or a non-object.
fn parse_usage(usage: &Value) -> Option<Usage> {
    usage.as_object()?;
    let count = |value: Option<&Value>| value.and_then(Value::as_u64);
    Some(Usage {
        input_tokens: count(usage.get("prompt_tokens")).unwrap_or(0),
        output_tokens: count(usage.get("completion_tokens")).unwrap_or(0),
        reasoning_tokens: count(
            usage
                .get("completion_tokens_details")
                .and_then(|details| details.get("reasoning_tokens")),
        ),
    })
}

impl crate::StreamParser for ChatCompletionsParser {
    fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        ChatCompletionsParser::push_bytes(self, bytes)
    }

    fn finish(&mut self) -> Vec<ProviderEvent> {
        ChatCompletionsParser::finish(self)
    }

    fn is_done(&self) -> bool {
        ChatCompletionsParser::is_done(self)
    }
}
