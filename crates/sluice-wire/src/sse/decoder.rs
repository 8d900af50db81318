//! Incremental SSE decoder: bytes in, [`SseItem`]s out, for any way the bytes were split.
//!
//! It follows the WHATWG "interpret an event stream" rules: lines end with LF, CRLF or a lone
//! CR; `field: value` lines with one optional space after the colon; `data` lines joined with
//! `\n`; an event is dispatched at a blank line, and only if it had at least one `data` line;
//! `:` starts a comment; unknown fields and `retry` are ignored; a leading UTF-8 BOM is skipped.
//!
//! Bytes are buffered until a whole line is known, and only then decoded, so a UTF-8 sequence
//! split across chunks comes out intact; invalid UTF-8 becomes U+FFFD (never a panic).
//!
//! Memory stays bounded. A line longer than the limit ([`MAX_LINE_BYTES`] unless set with
//! [`SseDecoder::with_max_line_bytes`]) is not kept: its bytes are skipped up to its line end,
//! the event it belongs to is dropped whole when that event's blank line arrives (a partial
//! payload would be wrong; an oversized comment line just disappears), and
//! [`SseDecoder::take_overflow`] reports it. An event whose joined
//! `data` would exceed the same limit is dropped the same way. Every other event decodes as usual.

use super::{SseEvent, SseItem};

/// Default longest line, and largest joined `data` of one event, that the decoder keeps: 1 MiB.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The UTF-8 byte order mark, which a stream may start with.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Stateful decoder for one event stream; feed it with [`SseDecoder::push`] as bytes arrive.
#[derive(Debug)]
pub struct SseDecoder {
    /// Bytes of the line not yet ended by CR/LF: the carry-over between chunks.
    line: Vec<u8>,
    /// The last chunk ended with `\r`, so a `\n` starting the next chunk is the same line end
    /// and must not count as a second (blank) line.
    pending_lf: bool,
    /// The current line went over the limit; its remaining bytes are skipped up to its end.
    skipping_line: bool,
    /// Something was dropped for size since the caller last asked ([`SseDecoder::take_overflow`]).
    overflowed: bool,
    /// The event being gathered lost a line or grew too big, so it is discarded at dispatch.
    event_dropped: bool,
    /// Joined `data` values of the event being gathered, each followed by `\n` (WHATWG buffer).
    data: String,
    /// Value of the last `event:` line of the event being gathered (empty = default type).
    event_type: String,
    /// Last event ID in force; it outlives single events, as in WHATWG.
    last_event_id: Option<String>,
    /// No line has been completed yet, so a leading byte order mark must still be skipped.
    at_stream_start: bool,
    /// Size limit for one line and for one event's joined data, in bytes.
    max_bytes: usize,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl SseDecoder {
    /// A decoder with the default size limit, [`MAX_LINE_BYTES`].
    pub fn new() -> Self {
        Self::with_max_line_bytes(MAX_LINE_BYTES)
    }

    /// A decoder that drops lines (and events' joined data) longer than `max_bytes`.
    pub fn with_max_line_bytes(max_bytes: usize) -> Self {
        Self {
            line: Vec::new(),
            pending_lf: false,
            skipping_line: false,
            overflowed: false,
            event_dropped: false,
            data: String::new(),
            event_type: String::new(),
            last_event_id: None,
            at_stream_start: true,
            max_bytes,
        }
    }

    /// Feeds the next chunk; returns the items completed by it, in order. Any split is fine:
    /// mid-line, mid-UTF-8 sequence, or between the `\r` and `\n` of a CRLF.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseItem> {
        let mut items = Vec::new();
        let mut rest = bytes;
        if self.pending_lf && !rest.is_empty() {
            self.pending_lf = false;
            if let [b'\n', tail @ ..] = rest {
                rest = tail;
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let (segment, terminator) = rest.split_at(end);
            self.end_line(segment, &mut items);
            rest = match terminator {
                [b'\r', b'\n', tail @ ..] => tail,
                [b'\r'] => {
                    self.pending_lf = true;
                    &[]
                }
                [_, tail @ ..] => tail,
                [] => &[],
            };
        }
        self.append_partial(rest);
        items
    }

    /// Ends the stream: an unterminated last line is taken as a line, and a pending event is
    /// dispatched even without its blank line. The decoder is then ready for a new stream.
    pub fn finish(&mut self) -> Vec<SseItem> {
        let mut items = Vec::new();
        self.pending_lf = false;
        if self.skipping_line {
            self.skipping_line = false;
        } else if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut items);
        }
        self.dispatch(&mut items);
        self.last_event_id = None;
        self.at_stream_start = true;
        items
    }

    /// Bytes held while waiting for a line end (never more than the size limit).
    pub fn buffered_len(&self) -> usize {
        self.line.len()
    }

    /// Whether a line or event was dropped for size since the last call; clears the flag.
    pub fn take_overflow(&mut self) -> bool {
        std::mem::take(&mut self.overflowed)
    }

    /// Adds bytes of a line whose end has not arrived yet.
    fn append_partial(&mut self, bytes: &[u8]) {
        if self.skipping_line || bytes.is_empty() {
            return;
        }
        if self.line.len() + bytes.len() > self.max_bytes {
            self.skipping_line = true;
            self.drop_line(bytes);
        } else {
            self.line.extend_from_slice(bytes);
        }
    }

    /// A line end arrived; `segment` is the part of the line in the current chunk.
    fn end_line(&mut self, segment: &[u8], items: &mut Vec<SseItem>) {
        if self.skipping_line {
            self.skipping_line = false;
            return;
        }
        if self.line.len() + segment.len() > self.max_bytes {
            self.drop_line(segment);
            return;
        }
        if self.line.is_empty() {
            self.process_line(segment, items);
        } else {
            let mut line = std::mem::take(&mut self.line);
            line.extend_from_slice(segment);
            self.process_line(&line, items);
            line.clear();
            self.line = line;
        }
    }

    /// Drops the oversized current line (`more` is its part in this chunk). Unless it is a
    /// comment, the event being gathered is doomed too.
    fn drop_line(&mut self, more: &[u8]) {
        let first_byte = self.line.first().or(more.first()).copied();
        self.line.clear();
        self.overflowed = true;
        self.event_dropped |= first_byte != Some(b':');
        self.at_stream_start = false;
    }

    /// Interprets one complete line (without its line end).
    fn process_line(&mut self, raw: &[u8], items: &mut Vec<SseItem>) {
        let mut raw = raw;
        if self.at_stream_start {
            self.at_stream_start = false;
            raw = raw.strip_prefix(BYTE_ORDER_MARK).unwrap_or(raw);
        }
        if raw.is_empty() {
            self.dispatch(items);
            return;
        }
        if let Some(comment) = raw.strip_prefix(b":") {
            let text = String::from_utf8_lossy(strip_one_space(comment)).into_owned();
            items.push(SseItem::Comment(text));
            return;
        }
        let (field, value) = match raw.iter().position(|&b| b == b':') {
            Some(colon) => (&raw[..colon], strip_one_space(&raw[colon + 1..])),
            None => (raw, &[][..]),
        };
        match field {
            b"data" => self.add_data(value),
            b"event" => self.event_type = String::from_utf8_lossy(value).into_owned(),
            b"id" if !value.contains(&0) => {
                self.last_event_id =
                    (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned());
            }
            _ => {}
        }
    }

    /// Appends one `data` value to the event being gathered, within the size limit.
    fn add_data(&mut self, value: &[u8]) {
        if self.event_dropped {
            return;
        }
        let value = String::from_utf8_lossy(value);
        if self.data.len() + value.len() + 1 > self.max_bytes {
            self.data.clear();
            self.overflowed = true;
            self.event_dropped = true;
            return;
        }
        self.data.push_str(&value);
        self.data.push('\n');
    }

    /// Blank line: emits the gathered event (if it has data and was not dropped) and resets.
    fn dispatch(&mut self, items: &mut Vec<SseItem>) {
        let mut data = std::mem::take(&mut self.data);
        let event_type = std::mem::take(&mut self.event_type);
        if std::mem::take(&mut self.event_dropped) || data.is_empty() {
            return;
        }
        data.pop();
        items.push(SseItem::Event(SseEvent {
            event: (!event_type.is_empty()).then_some(event_type),
            data,
            id: self.last_event_id.clone(),
        }));
    }
}

/// Removes the single optional space that may follow a field's colon.
fn strip_one_space(value: &[u8]) -> &[u8] {
    value.strip_prefix(b" ").unwrap_or(value)
}
