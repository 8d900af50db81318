//! Server-Sent Events codec shared by the server (reading provider streams, writing our own
//! `/api/chat/stream`) and the browser (reading that stream). Pure code: builds for native and
//! wasm32.
//!
//! * [`SseDecoder`] turns arbitrary byte chunks into [`SseItem`]s, following the WHATWG
//!   "event stream interpretation" rules, and keeps memory bounded (see [`MAX_LINE_BYTES`]).
//! * [`encode_event`] / [`encode_comment`] write the wire form that the decoder reads back.

mod decoder;
mod encoder;

pub use decoder::{SseDecoder, MAX_LINE_BYTES};
pub use encoder::{encode_comment, encode_event};

/// One dispatched event: the fields gathered between two blank lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, so a consumer can route typed events; `None` means the default
    /// ("message") type, which is also what an empty `event:` value means.
    pub event: Option<String>,
    /// All `data:` lines of the event joined with `\n`: the payload the consumer parses.
    pub data: String,
    /// The last event ID in force when the event was dispatched (WHATWG semantics: an `id:` line
    /// sets it for this and later events, an empty `id:` clears it), so a client could resume.
    pub id: Option<String>,
}

/// What the decoder yields, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SseItem {
    /// A complete event.
    Event(SseEvent),
    /// A comment line (`: text`), without the colon and one optional leading space; kept so a
    /// caller can see keep-alives, though most callers ignore them.
    Comment(String),
}
