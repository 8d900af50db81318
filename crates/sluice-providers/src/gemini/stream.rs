//! Pure parser for Gemini `streamGenerateContent?alt=sse` bodies. Bytes in, [`ProviderEvent`]s
//! out; no I/O, so it builds for wasm32 and is tested against recorded fixtures.
//!
//! Wire form: SSE `data:` lines only (CRLF separators in real captures), one
//! `GenerateContentResponse` JSON per event, and no terminator: the body just ends.
//!
//! Rules:
//! * candidate 0's parts: `text` -> [`ProviderEvent::Text`], `text` + `thought: true` ->
//!   [`ProviderEvent::Reasoning`], `functionCall` -> `ToolCallStart` + one `ToolCallDelta`
//!   (the `args` object as JSON text) + `ToolCallEnd`, indexed 0, 1, … in arrival order;
//!   other part kinds (thought signatures, inline data, code execution) are skipped;
//! * `usageMetadata` rides on every chunk: the last one wins; `finishReason` may repeat on
//!   every chunk (older models): the last one wins. Both are emitted once, by
//!   [`GeminiStreamParser::finish`], as `Usage` then `Finish`, since only the end of the body
//!   says the answer is over. A body that ends without any `finishReason` is
//!   `Error(Protocol, "stream ended early")` (usage is then not emitted);
//! * an error object (`{"error": {code, message, status}}`) becomes one
//!   [`ProviderEvent::Error`] with Google's message; it is recognised in a `data:` line and
//!   also as bare (pretty-printed) JSON lines between events, which is how Google's SDK
//!   test data models a mid-stream failure. `promptFeedback.blockReason` is an error too;
//! * a body that is a JSON array (the endpoint called without `alt=sse`) is rejected at its
//!   first `[` with [`JSON_ARRAY_MESSAGE`], before any of it could pass for text; other bare
//!   JSON gets [`NOT_SSE_MESSAGE`];
//! * a `data:` payload that is not a JSON object is `Error(Protocol)` ([`MALFORMED_CHUNK_MESSAGE`]),
//!   except an unterminated last event cut by the end of the body, which counts as truncation
//!   (ignored after a finish reason, else "stream ended early");
//! * events with a non-default SSE `event:` type are skipped; comments are ignored;
//! * a line (or one event's data) over [`MAX_LINE_BYTES`] is an error
//!   ([`OVERSIZED_CHUNK_MESSAGE`]), never buffered without bound;
//! * after any error nothing more is emitted; text already emitted stays emitted.

use serde_json::Value;

use super::chunk::{self, Part};
use super::lines::LineSplitter;
use crate::event::{ProviderError, ProviderErrorKind, ProviderEvent};
use sluice_wire::events::Usage;
use sluice_wire::sse::{SseDecoder, SseEvent, SseItem};

pub use sluice_wire::sse::MAX_LINE_BYTES;

/// Error message for a body that is a JSON array: the request lacked `alt=sse`.
pub const JSON_ARRAY_MESSAGE: &str = "Gemini answered with a JSON array instead of server-sent events; the request must use alt=sse.";
/// Error message for a body holding plain JSON that is neither an event nor an error object.
pub const NOT_SSE_MESSAGE: &str =
    "Gemini answered with plain JSON instead of server-sent events; the request must use alt=sse.";
/// Error message for an event whose data is not a JSON object.
pub const MALFORMED_CHUNK_MESSAGE: &str = "malformed chunk from provider";
/// Error message for a body that ends before any finish reason.
pub const ENDED_EARLY_MESSAGE: &str = "stream ended early";
/// Error message for a line longer than [`MAX_LINE_BYTES`].
pub const OVERSIZED_CHUNK_MESSAGE: &str = "oversized chunk from provider";

/// The UTF-8 byte order mark, which a body may start with.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Incremental parser for one Gemini SSE response body.
#[derive(Debug)]
pub struct GeminiStreamParser {
    /// Cuts the body into whole lines first, so lines that are not SSE can be recognised.
    lines: LineSplitter,
    /// SSE framing of the lines that are SSE (data joining, comments, dispatch at blank lines).
    decoder: SseDecoder,
    /// Lines of a bare JSON object being gathered (an error object outside any `data:` line).
    bare_json: Option<String>,
    /// No line has been seen yet, so a byte order mark may still open the body.
    at_body_start: bool,
    /// Function calls emitted so far: the next call's index.
    tool_calls: u32,
    /// The latest `finishReason` of candidate 0, emitted once at the end of the body.
    finish_reason: Option<String>,
    /// The latest `usageMetadata`, emitted once at the end of the body.
    usage: Option<Usage>,
    /// An error was emitted; nothing more is, since the stream can no longer be trusted.
    errored: bool,
    /// [`GeminiStreamParser::finish`] ran; the body is over.
    ended: bool,
}

impl Default for GeminiStreamParser {
    fn default() -> Self {
        Self::new()
    }
}

impl GeminiStreamParser {
    /// A parser for a new response body.
    pub fn new() -> Self {
        Self {
            lines: LineSplitter::new(MAX_LINE_BYTES),
            decoder: SseDecoder::new(),
            bare_json: None,
            at_body_start: true,
            tool_calls: 0,
            finish_reason: None,
            usage: None,
            errored: false,
            ended: false,
        }
    }

    /// Feeds the next chunk of the body (any split) and returns the events it completed.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        let mut events = Vec::new();
        if self.stopped() {
            return events;
        }
        let split = self.lines.push(bytes);
        for line in split.complete {
            if self.stopped() {
                break;
            }
            self.handle_line(&line, &mut events);
        }
        if self.stopped() {
            return events;
        }
        if split.overflowed {
            self.fail(
                ProviderErrorKind::Protocol,
                OVERSIZED_CHUNK_MESSAGE,
                &mut events,
            );
        } else if self.bare_json.is_none() && opens_array(self.lines.partial(), self.at_body_start)
        {
            self.fail(ProviderErrorKind::Protocol, JSON_ARRAY_MESSAGE, &mut events);
        }
        events
    }

    /// Ends the body: flushes the last line and event, then emits the final `Usage` and the
    /// one `Finish`, or `Error(Protocol, "stream ended early")` when no finish reason came.
    pub fn finish(&mut self) -> Vec<ProviderEvent> {
        let mut events = Vec::new();
        if self.stopped() {
            return events;
        }
        if let Some(line) = self.lines.finish() {
            self.handle_line(&line, &mut events);
        }
        if let Some(pending) = self.bare_json.take().filter(|_| !self.stopped()) {
            match serde_json::from_str::<Value>(&pending) {
                Ok(value) => self.handle_bare_json(&value, &mut events),
                Err(_) => self.fail(
                    ProviderErrorKind::Protocol,
                    ENDED_EARLY_MESSAGE,
                    &mut events,
                ),
            }
        }
        if !self.stopped() {
            let items = self.decoder.finish();
            self.handle_items(items, true, &mut events);
        }
        if !self.stopped() {
            match self.finish_reason.take() {
                Some(reason) => {
                    events.extend(self.usage.take().map(ProviderEvent::Usage));
                    let reason = chunk::map_finish_reason(&reason, self.tool_calls > 0);
                    events.push(ProviderEvent::Finish(reason));
                }
                None => self.fail(
                    ProviderErrorKind::Protocol,
                    ENDED_EARLY_MESSAGE,
                    &mut events,
                ),
            }
        }
        self.ended = true;
        events
    }

    /// Always `false`: Gemini streams have no terminator, only the end of the body.
    pub fn is_done(&self) -> bool {
        false
    }

    /// Whether the parser will emit nothing more.
    fn stopped(&self) -> bool {
        self.errored || self.ended
    }

    /// Routes one complete line: to a bare JSON object being gathered, to the array check, or
    /// to the SSE decoder.
    fn handle_line(&mut self, line: &[u8], events: &mut Vec<ProviderEvent>) {
        let at_start = std::mem::replace(&mut self.at_body_start, false);
        let line = if at_start {
            line.strip_prefix(BYTE_ORDER_MARK).unwrap_or(line)
        } else {
            line
        };
        let first = line.iter().copied().find(|b| !b.is_ascii_whitespace());
        if self.bare_json.is_none() {
            match first {
                Some(b'[') => {
                    self.fail(ProviderErrorKind::Protocol, JSON_ARRAY_MESSAGE, events);
                    return;
                }
                Some(b'{') => self.bare_json = Some(String::new()),
                _ => {
                    self.decoder.push(line);
                    let items = self.decoder.push(b"\n");
                    self.handle_items(items, false, events);
                    return;
                }
            }
        }
        self.gather_bare_json(line, events);
    }

    /// Adds a line to the bare JSON object being gathered and handles it once it is whole.
    fn gather_bare_json(&mut self, line: &[u8], events: &mut Vec<ProviderEvent>) {
        let Some(pending) = self.bare_json.as_mut() else {
            return;
        };
        if pending.len() + line.len() + 1 > MAX_LINE_BYTES {
            self.fail(ProviderErrorKind::Protocol, OVERSIZED_CHUNK_MESSAGE, events);
            return;
        }
        pending.push_str(&String::from_utf8_lossy(line));
        pending.push('\n');
        let closes = line.trim_ascii_end().last().is_some_and(|&b| b == b'}');
        if !closes {
            return;
        }
        match serde_json::from_str::<Value>(pending) {
            Ok(value) => {
                self.bare_json = None;
                self.handle_bare_json(&value, events);
            }
            Err(error) if error.is_eof() => {}
            Err(_) => self.fail(ProviderErrorKind::Protocol, MALFORMED_CHUNK_MESSAGE, events),
        }
    }

    /// A whole bare JSON value: an error object is reported as such; anything else means the
    /// body is not the SSE stream this parser reads.
    fn handle_bare_json(&mut self, value: &Value, events: &mut Vec<ProviderEvent>) {
        match value.get("error").filter(|error| !error.is_null()) {
            Some(error) => self.fail_with(chunk::stream_error(error), events),
            None => self.fail(ProviderErrorKind::Protocol, NOT_SSE_MESSAGE, events),
        }
    }

    /// Handles decoded SSE items, stopping at the first error. `at_end` means they were
    /// flushed at the end of the body.
    fn handle_items(&mut self, items: Vec<SseItem>, at_end: bool, events: &mut Vec<ProviderEvent>) {
        for item in items {
            if self.stopped() {
                return;
            }
            if let SseItem::Event(event) = item {
                self.handle_event(&event, at_end, events);
            }
        }
        if !self.stopped() && self.decoder.take_overflow() {
            self.fail(ProviderErrorKind::Protocol, OVERSIZED_CHUNK_MESSAGE, events);
        }
    }

    /// Interprets one SSE event's data as a `GenerateContentResponse`.
    fn handle_event(&mut self, event: &SseEvent, at_end: bool, events: &mut Vec<ProviderEvent>) {
        if event.event.as_deref().is_some_and(|kind| kind != "message") {
            return;
        }
        let chunk = match serde_json::from_str::<Value>(&event.data) {
            Ok(chunk) if chunk.is_object() => chunk,
            _ if at_end && self.finish_reason.is_some() => return,
            _ if at_end => {
                self.fail(ProviderErrorKind::Protocol, ENDED_EARLY_MESSAGE, events);
                return;
            }
            _ => {
                self.fail(ProviderErrorKind::Protocol, MALFORMED_CHUNK_MESSAGE, events);
                return;
            }
        };
        if let Some(error) = chunk.get("error").filter(|error| !error.is_null()) {
            self.fail_with(chunk::stream_error(error), events);
            return;
        }
        if let Some(blocked) = chunk::blocked_prompt(&chunk) {
            self.fail_with(blocked, events);
            return;
        }
        if let Some(candidate) = chunk::first_candidate(&chunk) {
            for part in chunk::parts(candidate) {
                self.emit_part(part, events);
            }
            if let Some(reason) = chunk::finish_reason(candidate) {
                self.finish_reason = Some(reason.to_string());
            }
        }
        if let Some(usage) = chunk::usage(&chunk) {
            self.usage = Some(usage);
        }
    }

    /// Emits the events of one content part.
    fn emit_part(&mut self, part: Part, events: &mut Vec<ProviderEvent>) {
        match part {
            Part::Text(text) => events.push(ProviderEvent::Text(text)),
            Part::Thought(text) => events.push(ProviderEvent::Reasoning(text)),
            Part::FunctionCall {
                id,
                name,
                arguments,
            } => {
                let index = self.tool_calls;
                self.tool_calls += 1;
                events.push(ProviderEvent::ToolCallStart { index, id, name });
                events.push(ProviderEvent::ToolCallDelta { index, arguments });
                events.push(ProviderEvent::ToolCallEnd { index });
            }
        }
    }

    /// Emits a protocol-level error and stops.
    fn fail(&mut self, kind: ProviderErrorKind, message: &str, events: &mut Vec<ProviderEvent>) {
        self.fail_with(ProviderError::new(kind, message), events);
    }

    /// Emits `error` and stops.
    fn fail_with(&mut self, error: ProviderError, events: &mut Vec<ProviderEvent>) {
        self.errored = true;
        events.push(ProviderEvent::Error(error));
    }
}

/// Whether the start of a line (`partial`, maybe incomplete) opens a JSON array.
fn opens_array(partial: &[u8], at_body_start: bool) -> bool {
    let partial = if at_body_start {
        partial.strip_prefix(BYTE_ORDER_MARK).unwrap_or(partial)
    } else {
        partial
    };
    partial.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

impl crate::StreamParser for GeminiStreamParser {
    fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        GeminiStreamParser::push_bytes(self, bytes)
    }

    fn finish(&mut self) -> Vec<ProviderEvent> {
        GeminiStreamParser::finish(self)
    }

    fn is_done(&self) -> bool {
        GeminiStreamParser::is_done(self)
    }
}
