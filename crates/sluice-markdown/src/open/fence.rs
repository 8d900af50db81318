//! The code fence still open at the end of a streaming tail, and how its text grows.
//!
//! [`find`] locates a top-level fence that the tail opens but has not closed yet.
//! [`GrowingFence::feed`] then turns each new piece of tail text into the code text to
//! append, looking only at the new bytes (plus the current line's first few bytes): complete
//! lines are appended with the opener's indentation removed (CommonMark's rule), a last line
//! that may still become the closing fence is held back (as [`crate::complete_tail`] hides
//! it), and anything that could change the block's shape (a closing fence, tabs in the
//! indentation, `\r`, NUL) asks for a full re-render instead.

use crate::lines::{closes_fence, fence_opening, may_become_closer, Fence};

/// A fence that is open at the end of the tail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FoundFence {
    /// The fence (marker and length) for closing checks.
    pub(crate) fence: Fence,
    /// Spaces before the opening marker (0 to 3); that many are removed from content lines.
    pub(crate) indent: usize,
    /// Offset of the opening fence line.
    pub(crate) line_start: usize,
    /// Offset of the first content line.
    pub(crate) body_start: usize,
}

/// Finds a top-level fence opened by a complete line of `tail` and not closed after it.
pub(crate) fn find(tail: &str) -> Option<FoundFence> {
    let mut open: Option<FoundFence> = None;
    let mut line_start = 0;
    for line in tail.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let complete = line.ends_with('\n');
        match &open {
            Some(found) if complete && closes_fence(&found.fence, line) => open = None,
            Some(_) => {}
            None if complete => {
                let indent = line.len() - line.trim_start_matches(' ').len();
                open = fence_opening(line)
                    .filter(|fence| fence.closer_prefix == " ".repeat(indent) && indent <= 3)
                    .map(|fence| FoundFence {
                        fence,
                        indent,
                        line_start,
                        body_start: line_end,
                    });
            }
            None => {}
        }
        line_start = line_end;
    }
    open
}

/// The full text needs to be rendered again (the block's shape may have changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NeedsRerender;

/// Append-only tracking of an open fence's content.
#[derive(Clone, Debug)]
pub(crate) struct GrowingFence {
    /// The fence being filled.
    found: FoundFence,
    /// Offset where the current (last) line starts.
    line_start: usize,
    /// Offset up to which the current line has been processed.
    consumed: usize,
    /// Whether part of the current line was already shown.
    line_shown: bool,
}

impl GrowingFence {
    /// Starts tracking `found` in `tail`; returns the tracker and the code to show now.
    pub(crate) fn start(found: FoundFence, tail: &str) -> Result<(Self, String), NeedsRerender> {
        let mut growing = GrowingFence {
            line_start: found.body_start,
            consumed: found.body_start,
            line_shown: false,
            found,
        };
        let mut code = String::new();
        growing.feed(tail, &mut code)?;
        Ok((growing, code))
    }

    /// Processes `tail` (the previous tail plus new text) and appends newly visible code to
    /// `out`. Work is proportional to the new text.
    pub(crate) fn feed(&mut self, tail: &str, out: &mut String) -> Result<(), NeedsRerender> {
        if tail.len() < self.consumed {
            return Err(NeedsRerender);
        }
        if tail[self.consumed..].contains(['\r', '\0']) {
            return Err(NeedsRerender);
        }
        loop {
            match tail[self.consumed..].find('\n') {
                Some(i) => {
                    let line_end = self.consumed + i + 1;
                    if closes_fence(&self.found.fence, &tail[self.line_start..line_end]) {
                        return Err(NeedsRerender);
                    }
                    self.show_up_to(tail, line_end, out)?;
                    self.line_start = line_end;
                    self.consumed = line_end;
                    self.line_shown = false;
                }
                None => {
                    let partial = &tail[self.line_start..];
                    if partial.is_empty() {
                        return Ok(());
                    }
                    if may_become_closer(&self.found.fence, partial) {
                        return if self.line_shown {
                            Err(NeedsRerender)
                        } else {
                            Ok(())
                        };
                    }
                    return self.show_up_to(tail, tail.len(), out);
                }
            }
        }
    }

    /// Appends the current line's text up to `end` (minus its removed indentation and what
    /// was shown before) to `out`.
    fn show_up_to(
        &mut self,
        tail: &str,
        end: usize,
        out: &mut String,
    ) -> Result<(), NeedsRerender> {
        let line = &tail.as_bytes()[self.line_start..end];
        let indent_region = &line[..line.len().min(self.found.indent)];
        let removed = indent_region.iter().take_while(|b| **b == b' ').count();
        if indent_region[removed..].first() == Some(&b'\t') {
            return Err(NeedsRerender);
        }
        let from = self.consumed.max(self.line_start + removed);
        if from < end {
            out.push_str(&tail[from..end]);
            self.line_shown = true;
        }
        self.consumed = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{find, GrowingFence};

    #[test]
    fn finds_only_open_top_level_fences_with_a_complete_opener() {
        assert_eq!(find("text\n```rust\nfn").map(|f| f.body_start), Some(13));
        assert!(find("```rust").is_none());
        assert!(find("```\na\n```\n").is_none());
        assert!(find("> ```\ncode").is_none());
        assert_eq!(find("  ~~~~\n  x").map(|f| f.indent), Some(2));
    }

    #[test]
    fn indentation_of_the_opener_is_removed_from_lines() {
        let tail = "  ```\n    a\n b\nc";
        let found = find(tail).expect("open");
        let (_, code) = GrowingFence::start(found, tail).expect("starts");
        assert_eq!(code, "  a\nb\nc");
    }

    #[test]
    fn a_possible_closer_is_held_back_then_closes() {
        let tail = "```\na\n``";
        let found = find(tail).expect("open");
        let (mut growing, code) = GrowingFence::start(found, tail).expect("starts");
        assert_eq!(code, "a\n");
        let mut more = String::new();
        assert!(growing.feed("```\na\n```\n", &mut more).is_err());
        let mut growing2 = GrowingFence::start(find("```\na\n").expect("open"), "```\na\n")
            .expect("starts")
            .0;
        growing2
            .feed("```\na\n``x", &mut more)
            .expect("not a closer");
        assert_eq!(more, "``x");
    }
}
