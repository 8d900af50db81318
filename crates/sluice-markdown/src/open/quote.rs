//! A block quote at the end of the streaming tail, kept open: its content (the lines with
//! their `>` marker stripped) is itself a small streamed answer, split by an inner
//! [`IncrementalMarkdown`] into finished blocks, parsed once and appended, and an unfinished
//! last block, the only part re-parsed per update. A long quote of several paragraphs, lists
//! or code blocks costs per token what its last block costs.
//!
//! The content is read as [`crate::heal::quote`] reads it, and tail completion completes a
//! quote through the same content, so what open mode shows is what a full render of the tail
//! shows. A line that is not a plain quote line (a lazy continuation line, the quote's end, a
//! tab) and a link reference definition (its label reaches other blocks) end open mode: the
//! tail is rendered whole. [`crate::open`] verifies the arrangement against one full
//! parse when it enters open mode.

use crate::freeze::incremental::IncrementalMarkdown;
use crate::heal::complete_tail;
use crate::heal::quote::quote_line_content;
use crate::lines::complete_lines_from;
use crate::open::ContainerStep;
use crate::tree::{parse_to_nodes, MdNode};

/// Why open mode ended: the tail must be rendered whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuoteEnded;

/// The open quote's state within one tail generation.
#[derive(Clone, Debug)]
pub(crate) struct GrowingQuote {
    /// Offset (in the tail) of the first line not yet read: a line start.
    scan_pos: usize,
    /// The content's complete lines so far, split into finished blocks and a tail.
    content: IncrementalMarkdown,
}

impl GrowingQuote {
    /// Open mode for a quote whose first line starts at `start` in the tail.
    pub(crate) fn new(start: usize) -> Self {
        GrowingQuote {
            scan_pos: start,
            content: IncrementalMarkdown::new(),
        }
    }

    /// Reads the tail (the previous tail plus new text): content blocks finished since the
    /// last update, then the unfinished content's nodes. `Err` when the text no longer fits.
    pub(crate) fn feed(&mut self, tail: &str) -> Result<ContainerStep, QuoteEnded> {
        let mut closed = Vec::new();
        for (start, line) in complete_lines_from(tail, self.scan_pos) {
            let content = content_of(line)?;
            for block in self.content.push(content) {
                closed.extend(parse_to_nodes(block.text()));
            }
            self.scan_pos = start + line.len();
        }
        let last_line = &tail[self.scan_pos..];
        let last_content = match last_line {
            "" => "",
            _ => content_of(last_line)?,
        };
        let live_text = format!("{}{last_content}", self.content.tail());
        if live_text.contains("]:") {
            return Err(QuoteEnded);
        }
        let live: Vec<MdNode> = parse_to_nodes(&complete_tail(&live_text));
        Ok(ContainerStep { closed, live })
    }
}

/// A plain quote line's content, without a link reference definition.
fn content_of(line: &str) -> Result<&str, QuoteEnded> {
    match quote_line_content(line) {
        Some(content) if !content.contains("]:") => Ok(content),
        _ => Err(QuoteEnded),
    }
}

#[cfg(test)]
mod tests {
    use super::GrowingQuote;

    #[test]
    fn finished_content_blocks_are_appended_once() {
        let mut quote = GrowingQuote::new(0);
        let first = quote.feed("> one\n>\n> two").expect("a quote");
        assert!(
            first.closed.is_empty(),
            "nothing is final before the next block starts"
        );
        let later = quote.feed("> one\n>\n> two\n>\n> thr").expect("a quote");
        assert_eq!(later.closed.len(), 1, "`one` is final: {later:?}");
        assert_eq!(
            later.live.len(),
            2,
            "`two` and `thr` are still open: {later:?}"
        );
    }

    #[test]
    fn lines_that_change_the_quote_end_open_mode() {
        assert!(GrowingQuote::new(0).feed("> a\nlazy").is_err());
        assert!(GrowingQuote::new(0).feed("> a\n\n").is_err());
        assert!(GrowingQuote::new(0).feed(">\tcode").is_err());
        assert!(GrowingQuote::new(0)
            .feed("> [a]: https://x.example")
            .is_err());
    }
}
