//! Where the tail's last inline context begins: the text that tail completion
//! ([`crate::complete_tail`]) may close constructs in.
//!
//! The parser decides it, not a line scan: inline syntax never crosses a block
//! boundary, and only the parser knows every boundary (a quote holding indented
//! code, a lazy continuation line, a list item that interrupts a paragraph, a
//! setext underline, `$$` that a list item cuts off). The last *inline run* is
//! the stretch of inline events after the last block boundary; completion
//! applies only when that run is the last content of the tail, so nothing after
//! it (a blank line, a blank quote line, an underline, a new empty item, a code
//! block) would be moved or joined by the closers.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::tree::parser_options;

/// What the tail ends with, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TailEnd {
    /// An inline run starting at this offset, followed by nothing but whitespace on its line.
    Inline(usize),
    /// The text of a code or HTML block (literal: never completed).
    Literal,
    /// A block boundary (blank line, underline, empty item, rule, …) after the last run.
    Boundary,
}

/// How `tail` ends: in an inline run (and where it starts), in literal text, or after a
/// block boundary.
pub(crate) fn tail_end(tail: &str) -> TailEnd {
    let mut run_start: Option<usize> = None;
    let mut run_end = 0;
    // A block started or ended since the last inline event: the next one begins a new run.
    let mut at_boundary = true;
    // A block started after the current run (it is not the last content).
    let mut superseded = false;
    // Inside a code or HTML block, whose text is literal.
    let mut literal_depth = 0usize;
    // The last event that was not an end was a code or HTML block's.
    let mut ends_literal = false;
    for (event, range) in Parser::new_ext(tail, parser_options()).into_offset_iter() {
        let inline = match &event {
            Event::Start(tag) if is_inline(tag) => true,
            Event::End(tag) if is_inline_end(*tag) => true,
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => {
                literal_depth += 1;
                false
            }
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                literal_depth = literal_depth.saturating_sub(1);
                at_boundary = true;
                continue;
            }
            Event::End(_) => {
                at_boundary = true;
                continue;
            }
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::InlineHtml(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::FootnoteReference(_) => literal_depth == 0,
            _ => false,
        };
        // (A block's end `continue`d above, so this holds after a code block closes.)
        ends_literal = literal_depth > 0;
        if inline {
            if at_boundary || run_start.is_none() {
                run_start = Some(range.start);
                at_boundary = false;
            }
            superseded = false;
            run_end = run_end.max(range.end);
        } else {
            // A block start, a rule, a task marker, literal block content.
            at_boundary = true;
            superseded = true;
        }
    }
    if ends_literal {
        return TailEnd::Literal;
    }
    let Some(start) = run_start.filter(|_| !superseded) else {
        return TailEnd::Boundary;
    };
    let rest = tail.get(run_end.max(start)..).unwrap_or_default();
    if rest.trim().is_empty() && rest.matches('\n').count() <= 1 {
        TailEnd::Inline(start)
    } else {
        TailEnd::Boundary
    }
}

/// Inline tags (emphasis, links, …), whose events belong to the run around them.
fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// The ends of [`is_inline`] tags.
fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[cfg(test)]
mod tests {
    use super::{tail_end, TailEnd};

    #[test]
    fn the_run_is_the_last_paragraphs_text() {
        assert_eq!(tail_end("a *b"), TailEnd::Inline(0));
        assert_eq!(tail_end("# T\nsome *text"), TailEnd::Inline(4));
        assert_eq!(tail_end("- a\n- b *c"), TailEnd::Inline(6));
        assert_eq!(tail_end("> q\n> a *b"), TailEnd::Inline(2));
        assert_eq!(tail_end("a *b\n"), TailEnd::Inline(0));
    }

    #[test]
    fn nothing_is_completed_past_a_boundary() {
        use TailEnd::{Boundary, Literal};
        assert_eq!(tail_end("a *b\n\n"), Boundary, "blank line");
        assert_eq!(tail_end("> a *b\n>"), Boundary, "blank quote line");
        assert_eq!(tail_end("a *b\n---"), Boundary, "setext underline");
        assert_eq!(tail_end("a *b\n- "), Boundary, "empty item");
        assert_eq!(tail_end("a\n\n    code `x"), Literal, "indented code");
        assert_eq!(tail_end(">     code `x\n"), Literal, "code in a quote");
        assert_eq!(tail_end("```\nx\n```\n"), Literal, "closed fence");
        assert_eq!(tail_end("```\n*a"), Literal, "fence");
        assert_eq!(tail_end(""), Boundary);
    }
}
