//! A block quote at the end of the streaming tail, read as what CommonMark makes of it: a
//! document of its lines with the `>` marker (and one optional space) stripped.
//!
//! Tail completion ([`crate::heal`]) completes such a quote through its content (the content
//! is completed like any tail, then every line is given its marker back), and the open quote
//! ([`crate::open::quote`]) streams that same content through an inner splitter, so the two
//! agree by construction and a table, a fence or emphasis being typed inside a quote is
//! completed exactly as it would be outside one.
//!
//! Only the plain form is read this way: every line from the quote's first to the end of the
//! tail starts with `>` at column 0, and holds no tab (a tab's width depends on the column
//! it starts at, which stripping the marker changes). A lazy continuation line, an indented
//! marker or a tab leaves the quote to the line-based completion and a full render.

use crate::tree::last_block_start;
use pulldown_cmark::Tag;

/// The tail's last block when it is a plain block quote.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TrailingQuote {
    /// Offset of the quote's first line in the tail (a line start).
    pub(crate) start: usize,
    /// The quote's content: its lines without their markers.
    pub(crate) content: String,
}

/// The tail's last top-level block when it is a plain block quote (see the module docs).
/// Costs a parse of the tail only when its last line starts with `>`.
pub(crate) fn trailing_quote(tail: &str) -> Option<TrailingQuote> {
    let body = tail.strip_suffix('\n').unwrap_or(tail);
    let last_line = body.rfind('\n').map_or(0, |newline| newline + 1);
    if !body[last_line..].starts_with('>') {
        return None;
    }
    let start = last_block_start(tail, |tag| matches!(tag, Tag::BlockQuote(_)))?;
    if start != 0 && !tail[..start].ends_with('\n') {
        return None;
    }
    let mut content = String::with_capacity(tail.len() - start);
    for line in tail[start..].split_inclusive('\n') {
        content.push_str(quote_line_content(line)?);
    }
    Some(TrailingQuote { start, content })
}

/// A plain quote line's content: the text after its `>` and one optional space; `None` for
/// a line that is not one (no marker at column 0, or a tab).
pub(crate) fn quote_line_content(line: &str) -> Option<&str> {
    let after = line.strip_prefix('>')?;
    if after.contains('\t') {
        return None;
    }
    Some(after.strip_prefix(' ').unwrap_or(after))
}

/// Gives every line of `content` its marker back (`> `); an empty content is an empty
/// quote (`>`).
pub(crate) fn requote(content: &str) -> String {
    if content.is_empty() {
        return ">".to_string();
    }
    let mut quoted = String::with_capacity(content.len() + 2 * content.lines().count() + 2);
    for line in content.split_inclusive('\n') {
        quoted.push_str("> ");
        quoted.push_str(line);
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::{requote, trailing_quote, TrailingQuote};

    #[test]
    fn a_plain_quote_at_the_end_is_read_as_its_content() {
        assert_eq!(
            trailing_quote("Intro.\n\n> a\n>\n>b\n> - c"),
            Some(TrailingQuote {
                start: 8,
                content: "a\n\nb\n- c".to_string()
            })
        );
        // A quote interrupting a paragraph starts at its first marker.
        assert_eq!(trailing_quote("text\n> q").map(|q| q.start), Some(5));
    }

    #[test]
    fn other_shapes_are_not_read_as_content() {
        for tail in [
            "> a\nlazy",     // a lazy continuation line
            "  > a",         // an indented marker
            ">\tcode",       // a tab
            "```\n> a",      // inside a fence
            "- item\n  > a", // inside a list item
            "> a\n\ntext",   // the quote is not the last block
            "plain",
        ] {
            assert_eq!(trailing_quote(tail), None, "{tail:?}");
        }
    }

    #[test]
    fn requoting_restores_a_marker_on_every_line() {
        assert_eq!(requote("a\n\n```\nx\n```"), "> a\n> \n> ```\n> x\n> ```");
        assert_eq!(requote("a\n"), "> a\n");
        assert_eq!(requote(""), ">");
    }
}
