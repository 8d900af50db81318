//! Pure parser for Ollama's native chat stream (`POST /api/chat`, `stream: true`): NDJSON, one
//! JSON object per `\n`-terminated line, no prefix and no sentinel. Bytes in,
//! [`ProviderEvent`]s out; no I/O, so it builds for wasm32 and is tested against recorded
//! fixtures.
//!
//! Rules:
//! * lines are split at the byte level with a carry-over buffer, so a network chunk may end
//!   anywhere (mid-line, mid-UTF-8, between `\r` and `\n`); a trailing `\r` is dropped (CRLF
//!   tolerated), blank lines are skipped, and a last line without `\n` is still used at the end
//!   of the body; invalid UTF-8 inside a line is replaced (U+FFFD), not an error;
//! * `message.content` → [`ProviderEvent::Text`], `message.thinking` →
//!   [`ProviderEvent::Reasoning`] (empty strings produce nothing);
//! * each `message.tool_calls[]` entry is a complete call (`function.name`, `function.arguments`
//!   as a JSON object): `ToolCallStart` (index = position among this answer's calls, id = the
//!   entry's `id` when Ollama gives one), one `ToolCallDelta` with the arguments serialized as
//!   JSON, then `ToolCallEnd`;
//! * the line with `"done": true` (key order irrelevant) ends the stream: its
//!   `prompt_eval_count` / `eval_count` become one [`ProviderEvent::Usage`], then its
//!   `done_reason` one [`ProviderEvent::Finish`] (`stop` → `Stop`, or `ToolCalls` when tool
//!   calls were emitted; `length` → `Length`; anything else, e.g. `load` / `unload`, kept as
//!   `Other`; absent, as in old servers → like `stop`). Later bytes are ignored;
//! * an `{"error": "..."}` line (Ollama keeps HTTP 200 for errors while streaming) becomes one
//!   `Error(Upstream)` with that message cleaned of control characters and capped, never the
//!   raw JSON; objects that are neither (unknown shapes) are skipped;
//! * a line that is not a JSON object → `Error(Protocol, "malformed line from Ollama")`; a line
//!   longer than [`MAX_LINE_BYTES`] → `Error(Protocol, "oversized line from Ollama")` as soon as
//!   the carry-over would exceed the limit (memory stays bounded; the line is dropped, never
//!   truncated into text). After any error the parser emits nothing more;
//! * the body ending before a done line → `Error(Protocol, "stream ended early")`; an
//!   unterminated last line that does not parse counts as that truncation, not as malformed.

use serde_json::Value;

use crate::event::{clean_provider_message, ProviderError, ProviderErrorKind, ProviderEvent};
use sluice_wire::events::{FinishReason, Usage};

/// Message of the error emitted for a line that is not a JSON object.
pub const MALFORMED_LINE_MESSAGE: &str = "malformed line from Ollama";
/// Message of the error emitted for a line longer than [`MAX_LINE_BYTES`].
pub const OVERSIZED_LINE_MESSAGE: &str = "oversized line from Ollama";
/// Message of the error emitted when the body ends before the done line.
pub const ENDED_EARLY_MESSAGE: &str = "stream ended early";
/// Longest line accepted, in bytes (without its line terminator). Real lines are a few hundred
/// bytes; this leaves room for large tool-call arguments while bounding memory.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Incremental parser for one `/api/chat` response body.
#[derive(Debug, Default)]
pub struct OllamaChatParser {
    /// Bytes of the current line not yet ended by `\n` (never more than [`MAX_LINE_BYTES`]).
    line: Vec<u8>,
    /// Tool calls emitted so far: the next call's index, and whether `stop` means `ToolCalls`.
    tool_calls: u32,
    /// The done line arrived: the answer is complete and later bytes are ignored.
    saw_done: bool,
    /// An error was emitted; nothing more is, since the stream can no longer be trusted.
    errored: bool,
    /// [`OllamaChatParser::finish`] ran; the body is over.
    ended: bool,
}

impl OllamaChatParser {
    /// A parser for a new response body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body (any split) and returns the events it completed.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        let mut events = Vec::new();
        let mut rest = bytes;
        while !self.stopped() && !rest.is_empty() {
            let Some(end) = rest.iter().position(|&byte| byte == b'\n') else {
                if self.fits(rest.len(), &mut events) {
                    self.line.extend_from_slice(rest);
                }
                break;
            };
            let (piece, tail) = (&rest[..end], &rest[end + 1..]);
            rest = tail;
            if !self.fits(piece.len(), &mut events) {
                break;
            }
            if self.line.is_empty() {
                self.handle_line(piece, false, &mut events);
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(piece);
                self.handle_line(&line, false, &mut events);
            }
        }
        events
    }

    /// Ends the body: uses an unterminated last line, then reports a body that stopped before
    /// the done line as `Error(Protocol, "stream ended early")`.
    pub fn finish(&mut self) -> Vec<ProviderEvent> {
        let mut events = Vec::new();
        if !self.stopped() {
            let line = std::mem::take(&mut self.line);
            self.handle_line(&line, true, &mut events);
        }
        if !self.stopped() {
            self.fail(
                ProviderErrorKind::Protocol,
                ENDED_EARLY_MESSAGE,
                &mut events,
            );
        }
        self.ended = true;
        events
    }

    /// Whether the done line was seen.
    pub fn is_done(&self) -> bool {
        self.saw_done
    }

    /// Bytes of an unfinished line held for the next chunk (at most [`MAX_LINE_BYTES`]).
    pub fn buffered_len(&self) -> usize {
        self.line.len()
    }

    /// Whether the parser will emit nothing more.
    fn stopped(&self) -> bool {
        self.saw_done || self.errored || self.ended
    }

    /// Whether `more` bytes can join the current line; if not, reports the oversized line,
    /// drops what was buffered and stops.
    fn fits(&mut self, more: usize, events: &mut Vec<ProviderEvent>) -> bool {
        if self.line.len().saturating_add(more) <= MAX_LINE_BYTES {
            return true;
        }
        self.line = Vec::new();
        self.fail(ProviderErrorKind::Protocol, OVERSIZED_LINE_MESSAGE, events);
        false
    }

    /// Interprets one complete line (without its `\n`). `at_end` means it is the unterminated
    /// last line of the body.
    fn handle_line(&mut self, line: &[u8], at_end: bool, events: &mut Vec<ProviderEvent>) {
        let text = String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line));
        if text.trim().is_empty() {
            return;
        }
        let object = match serde_json::from_str::<Value>(&text) {
            Ok(object) if object.is_object() => object,
            _ => {
                let message = if at_end {
                    ENDED_EARLY_MESSAGE
                } else {
                    MALFORMED_LINE_MESSAGE
                };
                self.fail(ProviderErrorKind::Protocol, message, events);
                return;
            }
        };
        if let Some(error) = object.get("error").filter(|error| !error.is_null()) {
            self.errored = true;
            events.push(ProviderEvent::Error(stream_error(error)));
            return;
        }
        if let Some(message) = object.get("message") {
            self.handle_message(message, events);
        }
        if object.get("done").and_then(Value::as_bool) == Some(true) {
            self.handle_done(&object, events);
        }
    }

    /// Emits the thinking, text and tool calls of one line's `message`.
    fn handle_message(&mut self, message: &Value, events: &mut Vec<ProviderEvent>) {
        let field = |name: &str| {
            message
                .get(name)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
        };
        if let Some(thinking) = field("thinking") {
            events.push(ProviderEvent::Reasoning(thinking.to_string()));
        }
        if let Some(content) = field("content") {
            events.push(ProviderEvent::Text(content.to_string()));
        }
        let calls = message.get("tool_calls").and_then(Value::as_array);
        for call in calls.into_iter().flatten() {
            self.handle_tool_call(call, events);
        }
    }

    /// Emits one complete tool call as start, a single arguments delta, and end.
    fn handle_tool_call(&mut self, call: &Value, events: &mut Vec<ProviderEvent>) {
        let function = call.get("function").unwrap_or(&Value::Null);
        let index = self.tool_calls;
        self.tool_calls += 1;
        let name = function.get("name").and_then(Value::as_str);
        let id = call.get("id").and_then(Value::as_str);
        let arguments = match function.get("arguments") {
            None | Some(Value::Null) => "{}".to_string(),
            Some(Value::String(text)) => text.clone(),
            Some(value) => value.to_string(),
        };
        events.push(ProviderEvent::ToolCallStart {
            index,
            id: id.map(str::to_string),
            name: name.unwrap_or_default().to_string(),
        });
        events.push(ProviderEvent::ToolCallDelta { index, arguments });
        events.push(ProviderEvent::ToolCallEnd { index });
    }

    /// Emits the usage and the finish reason of the done line, and ends the stream.
    fn handle_done(&mut self, line: &Value, events: &mut Vec<ProviderEvent>) {
        self.saw_done = true;
        let count = |name: &str| line.get(name).and_then(Value::as_u64);
        let (input, output) = (count("prompt_eval_count"), count("eval_count"));
        if input.is_some() || output.is_some() {
            events.push(ProviderEvent::Usage(Usage {
                input_tokens: input.unwrap_or(0),
                output_tokens: output.unwrap_or(0),
                reasoning_tokens: None,
            }));
        }
        let reason = match line.get("done_reason").and_then(Value::as_str) {
            None | Some("stop") if self.tool_calls > 0 => FinishReason::ToolCalls,
            None | Some("stop") => FinishReason::Stop,
            Some("length") => FinishReason::Length,
            Some(other) => FinishReason::Other(other.to_string()),
        };
        events.push(ProviderEvent::Finish(reason));
    }

    /// Emits a protocol-level error and stops.
    fn fail(&mut self, kind: ProviderErrorKind, message: &str, events: &mut Vec<ProviderEvent>) {
        self.errored = true;
        events.push(ProviderEvent::Error(ProviderError::new(kind, message)));
    }
}

/// Maps an in-stream `error` value (a string, or an object with `message`) to an error whose
/// message is the provider's text, cleaned; a generic sentence when it has no usable text.
fn stream_error(error: &Value) -> ProviderError {
    let kind = ProviderErrorKind::Upstream;
    let message =
        clean_provider_message(error).unwrap_or_else(|| kind.default_message().to_string());
    ProviderError::new(kind, message)
}

impl crate::StreamParser for OllamaChatParser {
    fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        OllamaChatParser::push_bytes(self, bytes)
    }

    fn finish(&mut self) -> Vec<ProviderEvent> {
        OllamaChatParser::finish(self)
    }

    fn is_done(&self) -> bool {
        OllamaChatParser::is_done(self)
    }
}
