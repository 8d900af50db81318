//! Pure parser for Anthropic Messages API streams (`POST /v1/messages`, `stream: true`). Bytes
//! in, [`ProviderEvent`]s out; no I/O, so it builds for wasm32 and is tested against recorded
//! fixtures.
//!
//! Rules:
//! * events are routed by their SSE `event:` name (the JSON `type` when there is none); an
//!   unknown name is skipped without parsing, and so is an unknown `type`;
//! * `content_block_start` announces block `index`: `text` and `thinking` blocks carry text;
//!   `tool_use` blocks become tool calls, and so do the server-side `server_tool_use` and
//!   `mcp_tool_use` blocks (the reader sees what the model ran on Anthropic's side, e.g.
//!   `bash_code_execution` with its command; the finish reason stays whatever Anthropic says).
//!   Every other block (`redacted_thinking`, `*_tool_result`, `compaction`, future types)
//!   produces nothing, whatever deltas it gets;
//! * `text_delta` -> [`ProviderEvent::Text`] and `thinking_delta` ->
//!   [`ProviderEvent::Reasoning`] in blocks of that type (or never announced, to stay lenient);
//!   text blocks are joined with no separator, as on the wire; `signature_delta`,
//!   `citations_delta` and unknown deltas are ignored;
//! * a tool block's `content_block_start` -> `ToolCallStart` (index = position among this
//!   answer's tool calls: 0, 1, …), each non-empty `input_json_delta.partial_json` ->
//!   `ToolCallDelta`, its `content_block_stop` -> `ToolCallEnd`. A call that got no fragment
//!   gets the block's start `input` (normally `{}`) as its arguments at the stop, so ended calls
//!   always carry valid JSON. A call whose block never stops (the answer hit `max_tokens`) is
//!   left without `ToolCallEnd`: its arguments are incomplete;
//! * the first non-null `message_delta.delta.stop_reason` -> one [`ProviderEvent::Finish`]
//!   (see [`finish_reason`]);
//! * usage: `message_start.message.usage`, overlaid by each `message_delta.usage` (cumulative),
//!   is emitted once as [`ProviderEvent::Usage`] when the stream ends: at `message_stop`, at
//!   the end of the body, or just before an error (the tokens already counted);
//! * `message_stop` ends the stream ([`AnthropicMessagesParser::is_done`]); later bytes are
//!   ignored; `ping` and SSE comments are ignored;
//! * `event: error` (sent after HTTP 200, e.g. `overloaded_error`) -> one
//!   [`ProviderEvent::Error`] worded by [`stream_error`], never the raw JSON;
//! * malformed JSON -> `Error(Protocol, "malformed chunk from provider")`; a line over
//!   [`sluice_wire::sse::MAX_LINE_BYTES`] (e.g. a 10 MB line) is dropped by the decoder without
//!   being stored and ends the stream with `Error(Protocol, "oversized chunk from provider")`.
//!   After any error the parser emits nothing more; text already emitted stays emitted;
//! * end of body without `message_stop`: complete if a stop reason arrived, otherwise
//!   `Error(Protocol, "stream ended early")`. An unterminated last event is still used (a
//!   recorded stream ends `message_stop` without its blank line); if it does not parse, the
//!   body was cut mid-event, which counts as the same truncation.

use serde_json::{Map, Value};

use crate::anthropic::blocks::ContentBlocks;
use crate::anthropic::wire::{finish_reason, merge_usage, stream_error, usage_of};
use crate::event::{ProviderError, ProviderErrorKind, ProviderEvent};
use crate::openai::chat::{ENDED_EARLY_MESSAGE, MALFORMED_CHUNK_MESSAGE, OVERSIZED_CHUNK_MESSAGE};
use crate::sse_wire::SseWire;
use sluice_wire::sse::{SseDecoder, SseEvent};

/// Provider name used in error sentences when none is given.
const DEFAULT_DISPLAY_NAME: &str = "Anthropic";

/// The SSE event names of the Messages stream; any other name is skipped unparsed.
const KNOWN_EVENTS: [&str; 8] = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
];

/// Incremental parser for one Messages API response body.
#[derive(Debug)]
pub struct AnthropicMessagesParser {
    /// SSE framing of the body, fed line by line so errors land at the same point for any split.
    decoder: SseDecoder,
    /// Provider name used in error sentences ("Anthropic is overloaded; …").
    display_name: String,
    /// Content blocks announced so far, which route deltas and number tool calls.
    blocks: ContentBlocks,
    /// Usage merged from `message_start` and `message_delta`, until it is emitted.
    usage: Option<Map<String, Value>>,
    /// The usage was emitted; it is emitted once.
    usage_sent: bool,
    /// A stop reason arrived: emitted once, and a body ending without `message_stop` is complete.
    saw_finish: bool,
    /// `message_stop` arrived: the answer is complete and later bytes are ignored.
    saw_stop: bool,
    /// An error was emitted; nothing more is, since the stream can no longer be trusted.
    errored: bool,
    /// [`AnthropicMessagesParser::finish`] ran; the body is over.
    ended: bool,
}

impl Default for AnthropicMessagesParser {
    fn default() -> Self {
        Self::named(DEFAULT_DISPLAY_NAME)
    }
}

impl AnthropicMessagesParser {
    /// A parser for a new response body, naming the provider "Anthropic" in errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser naming the provider `display_name` in error messages.
    pub fn named(display_name: impl Into<String>) -> Self {
        Self {
            decoder: SseDecoder::new(),
            display_name: display_name.into(),
            blocks: ContentBlocks::default(),
            usage: None,
            usage_sent: false,
            saw_finish: false,
            saw_stop: false,
            errored: false,
            ended: false,
        }
    }

    /// Feeds the next chunk of the body (any split) and returns the events it completed.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        self.push_body(bytes)
    }

    /// Ends the body: flushes an unterminated last event, emits the usage, and reports a stream
    /// that stopped before both `message_stop` and a stop reason as "stream ended early".
    pub fn finish(&mut self) -> Vec<ProviderEvent> {
        self.finish_body()
    }

    /// Whether `message_stop` was seen.
    pub fn is_done(&self) -> bool {
        self.saw_stop
    }

    /// The message's stop reason (first one only) and cumulative usage.
    fn message_delta(&mut self, payload: &Value, events: &mut Vec<ProviderEvent>) {
        if let Some(usage) = payload.get("usage") {
            merge_usage(&mut self.usage, usage);
        }
        let stop_reason = payload
            .get("delta")
            .and_then(|delta| delta.get("stop_reason"))
            .and_then(Value::as_str);
        if let Some(reason) = stop_reason.filter(|_| !self.saw_finish) {
            self.saw_finish = true;
            events.push(ProviderEvent::Finish(finish_reason(reason)));
        }
    }

    /// Emits the merged usage, once, if any arrived.
    fn emit_usage(&mut self, events: &mut Vec<ProviderEvent>) {
        if self.usage_sent {
            return;
        }
        if let Some(usage) = &self.usage {
            self.usage_sent = true;
            events.push(ProviderEvent::Usage(usage_of(usage)));
        }
    }

    /// Emits the usage counted so far, then a protocol-level error, and stops.
    fn fail(&mut self, kind: ProviderErrorKind, message: &str, events: &mut Vec<ProviderEvent>) {
        self.emit_usage(events);
        self.errored = true;
        events.push(ProviderEvent::Error(ProviderError::new(kind, message)));
    }
}

impl SseWire for AnthropicMessagesParser {
    fn decoder(&mut self) -> &mut SseDecoder {
        &mut self.decoder
    }

    /// Stops at `message_stop`, the first error or the end of the body.
    fn stopped(&self) -> bool {
        self.saw_stop || self.errored || self.ended
    }

    /// Parses one SSE event and routes it by name.
    fn handle_event(&mut self, event: &SseEvent, at_end: bool, events: &mut Vec<ProviderEvent>) {
        let name = event.event.as_deref();
        if name.is_some_and(|name| !KNOWN_EVENTS.contains(&name)) {
            return;
        }
        let payload = match serde_json::from_str::<Value>(&event.data) {
            Ok(payload) if payload.is_object() => payload,
            _ if at_end && self.saw_finish => return,
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
        let kind = name.or(payload.get("type").and_then(Value::as_str));
        let index = payload.get("index").and_then(Value::as_u64);
        match kind {
            Some("message_start") => {
                if let Some(usage) = payload.get("message").and_then(|m| m.get("usage")) {
                    merge_usage(&mut self.usage, usage);
                }
            }
            Some("content_block_start") => {
                let block = payload.get("content_block").unwrap_or(&Value::Null);
                self.blocks.start(index, block, events);
            }
            Some("content_block_delta") => {
                let delta = payload.get("delta").unwrap_or(&Value::Null);
                self.blocks.delta(index, delta, events);
            }
            Some("content_block_stop") => self.blocks.stop(index, events),
            Some("message_delta") => self.message_delta(&payload, events),
            Some("message_stop") => {
                self.emit_usage(events);
                self.saw_stop = true;
            }
            Some("error") => {
                self.emit_usage(events);
                self.errored = true;
                let error = stream_error(&self.display_name, &payload);
                events.push(ProviderEvent::Error(error));
            }
            _ => {}
        }
    }

    fn fail_oversized(&mut self, events: &mut Vec<ProviderEvent>) {
        self.fail(ProviderErrorKind::Protocol, OVERSIZED_CHUNK_MESSAGE, events);
    }

    /// Complete without `message_stop` once a stop reason came: the usage is still emitted.
    fn ended_unterminated(&mut self, events: &mut Vec<ProviderEvent>) {
        if self.saw_finish {
            self.emit_usage(events);
        } else {
            self.fail(ProviderErrorKind::Protocol, ENDED_EARLY_MESSAGE, events);
        }
    }

    fn mark_ended(&mut self) {
        self.ended = true;
    }
}

impl crate::StreamParser for AnthropicMessagesParser {
    fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        AnthropicMessagesParser::push_bytes(self, bytes)
    }

    fn finish(&mut self) -> Vec<ProviderEvent> {
        AnthropicMessagesParser::finish(self)
    }

    fn is_done(&self) -> bool {
        AnthropicMessagesParser::is_done(self)
    }
}
