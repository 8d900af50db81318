//! SSE encoder: writes events and comments in the form [`super::SseDecoder`] reads back.
//!
//! Line breaks inside `data` (LF, CRLF or CR) become separate `data:` lines, so the decoder
//! returns the same text with every line break normalised to `\n`. Line breaks inside an event
//! name or a comment would end the field early, so they are replaced by a space.

use std::fmt::Write;

/// Appends one event: `id:` (if any), `event:` (if not empty), one `data:` line per line of
/// `data` (at least one, so an empty payload is still dispatched), then the blank line.
pub fn encode_event(out: &mut String, id: Option<u64>, event: &str, data: &str) {
    if let Some(id) = id {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "id: {id}");
    }
    if !event.is_empty() {
        out.push_str("event: ");
        push_single_line(out, event);
        out.push('\n');
    }
    for line in split_lines(data) {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
}

/// Appends a comment block, `: text` then a blank line; a multi-line text becomes several
/// comment lines. Useful as a keep-alive: the decoder dispatches no event for it.
pub fn encode_comment(out: &mut String, text: &str) {
    for line in split_lines(text) {
        out.push_str(": ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
}

/// Appends `text` with any CR or LF replaced by a space, so it stays one line.
fn push_single_line(out: &mut String, text: &str) {
    out.extend(
        text.chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c }),
    );
}

/// Splits at LF, CRLF and lone CR, the same line ends the decoder accepts. Always yields at
/// least one (possibly empty) line.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\r', '\n']) {
            Some(end) => {
                let after = &current[end..];
                let skip = if after.starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&after[skip..]);
                Some(&current[..end])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}
