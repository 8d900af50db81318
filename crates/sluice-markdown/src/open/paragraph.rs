//! A paragraph at the end of the streaming tail, kept open: it is cut into *settled*
//! segments that are rendered once and appended, and only the segment still being written
//! is re-parsed per update, so a long paragraph costs the same per token at its 10,000th
//! byte as at its 10th.
//!
//! Why a settled segment renders the same inside the whole paragraph: inline syntax only
//! pairs an opener with a *later* closer (emphasis, strikethrough, code spans, links, math,
//! raw HTML). A segment whose rendered text holds no character that could still open such a
//! construct ([`UNSETTLED`]) has nothing left for later text to close, so later text cannot
//! change it, and later text is parsed exactly as it would be after it. Segments are cut
//! just before a space, so no delimiter run or entity straddles a cut and both sides see the
//! same flanking (a space, or the paragraph's end, which CommonMark treats alike), and never
//! after a line's first word (a `1.` or `+` there becomes an item once text follows it).
//!
//! Segments after the first are parsed behind a dummy word on the same line (`x` + text),
//! so lines that cannot interrupt a paragraph (an indented line, `2.` numbering, a
//! definition-like `[a]: b`) stay continuation text as in the whole paragraph. A segment
//! whose parse is anything but one paragraph (a setext underline, a block that interrupts the
//! paragraph, a blank line) ends open mode and the tail is rendered whole again, as does a
//! `|` (a table header could reach back into settled text). [`crate::open`]
//! verifies the arrangement against one full parse when it enters open mode.

use pulldown_cmark::Tag;

use crate::heal::complete_tail;
use crate::open::ContainerStep;
use crate::tree::{last_block_start, parse_to_nodes, MdNode, MdTag};

/// Length (bytes) of the live segment from which a cut is tried.
const CUT_FROM_BYTES: usize = 128;

/// How much a live segment must grow before a refused cut is tried again.
const RETRY_CUT_AFTER_BYTES: usize = 48;

/// Characters that, left in a segment's rendered text, could still be paired with a later
/// closer (or, for `|`, make a table); a segment holding one is not cut off.
const UNSETTLED: &[char] = &['*', '_', '~', '`', '$', '[', ']', '<', '|', '\\'];

/// Markers that, in the TeX of bracket math (read as Markdown before it is paired), could
/// still pair with later text.
const UNSETTLED_IN_TEX: &[char] = &['*', '_', '~', '`', '$', '[', ']', '<'];

/// The dummy word a later segment is parsed behind.
const DUMMY: &str = "x";

/// Why open mode ended: the tail must be rendered whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParagraphEnded;

/// The open paragraph's state within one tail generation.
#[derive(Clone, Debug)]
pub(crate) struct GrowingParagraph {
    /// Offset (in the tail) where the paragraph begins: the blocks before it may be frozen
    /// off the tail's front while it stays open (see [`Self::cut_front`]).
    start: usize,
    /// Offset (in the tail) of the segment still being written.
    live_start: usize,
    /// Whether the live segment begins the paragraph (parsed alone) rather than following a
    /// settled segment (parsed behind [`DUMMY`]).
    live_is_first: bool,
    /// Length of the live segment when a cut was last refused (0: none refused).
    refused_len: usize,
}

impl GrowingParagraph {
    /// Open mode for the tail's last block, a paragraph starting at `start` in the tail.
    pub(crate) fn new(start: usize) -> Self {
        GrowingParagraph {
            start,
            live_start: start,
            live_is_first: true,
            refused_len: 0,
        }
    }

    /// Shifts the offsets after `len` bytes before the paragraph were cut off the tail's
    /// front; returns the paragraph's new start, or `None` when the cut reaches into it.
    pub(crate) fn cut_front(&mut self, len: usize) -> Option<usize> {
        self.start = self.start.checked_sub(len)?;
        self.live_start -= len;
        Some(self.start)
    }

    /// Reads the tail (the previous tail plus new text) and returns the segments settled
    /// since the last update and the live segment's nodes. `Err` when the text no longer
    /// fits open mode.
    pub(crate) fn feed(&mut self, tail: &str) -> Result<ContainerStep, ParagraphEnded> {
        let mut closed = Vec::new();
        let live_text = tail.get(self.live_start..).ok_or(ParagraphEnded)?;
        if live_text.contains('|') {
            return Err(ParagraphEnded);
        }
        let may_cut = live_text.len() >= CUT_FROM_BYTES
            && live_text.len() >= self.refused_len + RETRY_CUT_AFTER_BYTES;
        if may_cut {
            match self.settled_prefix(live_text) {
                Some((cut, nodes)) => {
                    closed = nodes;
                    self.live_start += cut;
                    self.live_is_first = false;
                    self.refused_len = 0;
                }
                None => self.refused_len = live_text.len(),
            }
        }
        let live_text = &tail[self.live_start..];
        let live = self.segment(&complete_tail(&self.source(live_text)))?;
        Ok(ContainerStep { closed, live })
    }

    /// The longest settled prefix of `live_text` that ends before a space, and its nodes.
    fn settled_prefix(&self, live_text: &str) -> Option<(usize, Vec<MdNode>)> {
        let cut = cut_point(live_text)?;
        let prefix = &live_text[..cut];
        let balanced_brackets = prefix.matches("\\(").count() == prefix.matches("\\)").count()
            && prefix.matches("\\[").count() == prefix.matches("\\]").count();
        if !balanced_brackets {
            return None;
        }
        // `\(…\)` / `\[…\]` are paired after the parse: their TeX was read as Markdown, so
        // a marker in it may still pair with later text (a `$` or a backtick first of all).
        let bracket_math = prefix.contains("\\(") || prefix.contains("\\[");
        let nodes = self.segment(&self.source(prefix)).ok()?;
        is_settled(&nodes, bracket_math).then_some((cut, nodes))
    }

    /// The Markdown the live segment's `text` is parsed as.
    fn source(&self, text: &str) -> String {
        if self.live_is_first {
            text.to_string()
        } else {
            format!("{DUMMY}{text}")
        }
    }

    /// The inline nodes of one segment given its parse source (see [`Self::source`]).
    fn segment(&self, source: &str) -> Result<Vec<MdNode>, ParagraphEnded> {
        let mut children = match parse_to_nodes(source).as_slice() {
            // Everything hidden (say, an image being typed): no paragraph shows at all.
            [] if self.live_is_first => return Err(ParagraphEnded),
            [MdNode::Element {
                tag: MdTag::Paragraph,
                children,
            }] => children.clone(),
            _ => return Err(ParagraphEnded),
        };
        if !self.live_is_first {
            let Some(MdNode::Text(first)) = children.first_mut() else {
                return Err(ParagraphEnded);
            };
            if first.strip_prefix(DUMMY).is_none() {
                return Err(ParagraphEnded);
            }
            first.drain(..DUMMY.len());
            if first.is_empty() {
                children.remove(0);
            }
        }
        Ok(children)
    }
}

/// Where the last cut of `text` may go: just before a space that follows a non-space, but
/// not after a line's first word: a `1.` or `+` there is text until what follows it makes
/// it a list item that interrupts the paragraph.
fn cut_point(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (1..bytes.len()).rev().find(|&i| {
        bytes[i] == b' ' && !bytes[i - 1].is_ascii_whitespace() && !after_first_word(text, i)
    })
}

/// True when `text[..at]` ends in the first word of its line.
fn after_first_word(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    !text[line_start..at]
        .trim_start_matches([' ', '\t'])
        .contains([' ', '\t'])
}

/// Whether no text in `nodes` could still be paired with a later closer (nor, when
/// `bracket_math`, a marker in the TeX of math that may be `\(…\)` / `\[…\]`).
fn is_settled(nodes: &[MdNode], bracket_math: bool) -> bool {
    nodes.iter().all(|node| match node {
        MdNode::Text(text) => !text.contains(UNSETTLED),
        MdNode::Math { tex, .. } => !bracket_math || !tex.contains(UNSETTLED_IN_TEX),
        MdNode::Element { children, .. }
        | MdNode::Link { children, .. }
        | MdNode::Heading { children, .. } => is_settled(children, bracket_math),
        MdNode::Image { alt, .. } => !alt.contains(UNSETTLED),
        // Tail completion counts backtick runs from the segment's start: a code span holding
        // backticks would be read differently once cut off.
        MdNode::Code(code) => !code.contains('`'),
        _ => true,
    })
}

/// Offset of the tail's last top-level block when it is a paragraph.
pub(crate) fn last_paragraph_start(tail: &str) -> Option<usize> {
    last_block_start(tail, |tag| matches!(tag, Tag::Paragraph))
}

/// Appends `more` inline nodes to `children`, joining text that meets at the seam (the
/// parser would have produced one text node).
pub(crate) fn join_inline(children: &mut Vec<MdNode>, more: &[MdNode]) {
    for node in more {
        match (children.last_mut(), node) {
            (_, MdNode::Text(text)) if text.is_empty() => {}
            (Some(MdNode::Text(last)), MdNode::Text(text)) => last.push_str(text),
            _ => children.push(node.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{cut_point, is_settled, last_paragraph_start, GrowingParagraph};
    use crate::parse_to_nodes;

    #[test]
    fn cuts_go_before_a_space_after_a_word() {
        assert_eq!(cut_point("one two  three"), Some(7));
        assert_eq!(cut_point("  lead"), None);
        assert_eq!(cut_point("word"), None);
        // `1.` stays text only while nothing follows it on its line.
        assert_eq!(cut_point("many words here\n1. <b>"), Some(10));
        assert_eq!(cut_point("x\n+ b"), None);
    }

    #[test]
    fn open_openers_are_not_settled() {
        let settled = |text: &str| match parse_to_nodes(text).as_slice() {
            [crate::MdNode::Element { children, .. }] => is_settled(children, text.contains("\\(")),
            _ => panic!("not one paragraph: {text:?}"),
        };
        assert!(settled(
            "plain **bold** and `code` and [a](https://x.example)"
        ));
        assert!(!settled("an *open emphasis"));
        assert!(!settled("an open `code span"));
        assert!(!settled("a [link being typed"));
        assert!(!settled("price $5 and"));
        assert!(!settled("raw <span"));
        // Bracket math's TeX was read as Markdown: a marker in it may still pair later.
        assert!(settled("so \\(x + 1\\) and $y$"));
        assert!(!settled("so \\(x`y\\) and"));
        assert!(!settled("so \\(a *b\\) and"));
    }

    #[test]
    fn the_last_block_must_be_the_paragraph() {
        assert_eq!(last_paragraph_start("# Title\nText here"), Some(8));
        assert_eq!(last_paragraph_start("Text\n\n- item"), None);
        assert_eq!(last_paragraph_start("> quoted"), None);
    }

    #[test]
    fn a_setext_underline_ends_open_mode() {
        let mut paragraph = GrowingParagraph::new(0);
        let long = "word ".repeat(40);
        assert!(paragraph.feed(&long).is_ok());
        assert!(paragraph.feed(&format!("{long}\n===\n")).is_err());
    }
}
