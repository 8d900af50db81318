//! What the SSE-framed provider parsers (OpenAI Chat, OpenAI Responses, Anthropic Messages)
//! share: body bytes go to an [`SseDecoder`] one line end at a time, each decoded event goes to
//! the wire format until the parser stops (its terminal event, an error, the end of the body),
//! and a line over the decoder's limit becomes one error, reported before the events after it
//! however the body was split. Each parser keeps its own flags and event handling.

use crate::event::ProviderEvent;
use sluice_wire::sse::{SseDecoder, SseEvent, SseItem};

/// An SSE-framed wire format: the parts that differ per provider, and the shared body handling.
pub(crate) trait SseWire {
    /// The parser's SSE decoder.
    fn decoder(&mut self) -> &mut SseDecoder;

    /// Whether the parser will emit nothing more.
    fn stopped(&self) -> bool;

    /// Interprets one decoded event; `at_end` when it was flushed at the end of the body (its
    /// blank line never came, so it may be cut).
    fn handle_event(&mut self, event: &SseEvent, at_end: bool, events: &mut Vec<ProviderEvent>);

    /// Emits the error for a line (or event) over the decoder's limit; the parser then stops.
    fn fail_oversized(&mut self, events: &mut Vec<ProviderEvent>);

    /// The body ended before the stream's terminator (and without an error): emits what is
    /// pending when the answer is complete anyway, or the "ended early" error.
    fn ended_unterminated(&mut self, events: &mut Vec<ProviderEvent>);

    /// Records that the body is over; the parser then stops.
    fn mark_ended(&mut self);

    /// Feeds the next piece of the body (any split) and returns the events it completed.
    fn push_body(&mut self, bytes: &[u8]) -> Vec<ProviderEvent> {
        let mut events = Vec::new();
        for piece in bytes.split_inclusive(|&b| b == b'\n' || b == b'\r') {
            if self.stopped() {
                break;
            }
            let items = self.decoder().push(piece);
            self.handle_items(items, false, &mut events);
        }
        events
    }

    /// Ends the body: flushes an unterminated last event, then lets the parser judge a body
    /// that stopped before its terminator ([`Self::ended_unterminated`]).
    fn finish_body(&mut self) -> Vec<ProviderEvent> {
        let mut events = Vec::new();
        if self.stopped() {
            return events;
        }
        let items = self.decoder().finish();
        self.handle_items(items, true, &mut events);
        if !self.stopped() {
            self.ended_unterminated(&mut events);
        }
        self.mark_ended();
        events
    }

    /// Hands decoded items to [`Self::handle_event`] until the parser stops.
    fn handle_items(&mut self, items: Vec<SseItem>, at_end: bool, events: &mut Vec<ProviderEvent>) {
        for item in items {
            if self.stopped() {
                break;
            }
            if let SseItem::Event(event) = item {
                self.handle_event(&event, at_end, events);
            }
        }
        if !self.stopped() && self.decoder().take_overflow() {
            self.fail_oversized(events);
        }
    }
}
