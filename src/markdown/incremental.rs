//! Incremental Markdown for streamed answers: freezes finished blocks.
//!
//! An answer arrives as many small deltas. Re-parsing the whole answer on
//! every delta is quadratic, so [`IncrementalMarkdown`] splits the text into
//! *frozen* blocks, rendered once and never re-parsed, and an unfinished
//! *tail*, the only part a view re-renders per update.
//!
//! A prefix is frozen only when later text proves it final: a blank line
//! (outside an open fence) followed by a complete line that starts a new
//! top-level block. Candidates are found with a cheap incremental line scan
//! (skipping fenced code, indented continuations and list items that may
//! continue a list) and each is verified by [`super::boundary`] before
//! freezing. The invariant, tested over random splits, is that the
//! concatenated renderings of all blocks equal the rendering of the whole.
//!
//! Limitation: link reference definitions (`[ref]: https://…`) only apply
//! inside the block they are frozen in. A reference used in another block
//! renders as literal text, which is safe but differs from a one-shot parse.
//! Model answers rarely use them.

use super::boundary::best_split;
use super::lines::{
    closes_fence, fence_opening, is_blank, is_list_item_line, starts_indented, Fence,
};
use super::stream_tail::StreamTail;

/// A frozen top-level part of the answer (one or more Markdown blocks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Sequential id within the answer, usable as a stable key by views.
    pub id: u64,
    /// The block's Markdown source, rendered on its own.
    pub source: String,
}

/// What the line before the next unscanned one was, for candidate detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PreviousLine {
    /// Nothing scanned yet in this answer.
    Start,
    /// A blank line; `after_list_like` says whether the last content line
    /// before it was a list item or indented (so a list might continue).
    Blank {
        /// Whether the content line before the blank run looked list-like.
        after_list_like: bool,
    },
    /// A content line.
    Content {
        /// Whether it was a list item or indented.
        list_like: bool,
    },
}

/// Streaming Markdown splitter: frozen blocks plus an unfinished tail.
#[derive(Debug)]
pub struct IncrementalMarkdown {
    /// Everything pushed so far.
    source: String,
    /// Byte offset where the unfinished tail begins.
    tail_start: usize,
    /// Byte offset of the first line not yet scanned for candidates.
    scan_pos: usize,
    /// Line-scan state at `scan_pos`.
    scan: LineScan,
    /// Id for the next frozen block.
    next_id: u64,
    /// What [`Self::sync_tail`] last wrote, so the next sync can append instead of copy.
    synced: Option<SyncedTail>,
}

/// The state of a [`StreamTail`] right after [`IncrementalMarkdown::sync_tail`] wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SyncedTail {
    /// The generation it had.
    generation: u64,
    /// Where the tail started in the source then.
    tail_start: usize,
    /// How long its text was.
    len: usize,
}

/// Incremental line-scan state used to spot candidate split points.
#[derive(Clone, Debug)]
struct LineScan {
    /// Fence open at the scan position, as far as the line scan can tell.
    open_fence: Option<Fence>,
    /// Kind of the line just before the scan position.
    previous_line: PreviousLine,
}

impl LineScan {
    /// State at the start of an answer.
    fn new() -> Self {
        LineScan {
            open_fence: None,
            previous_line: PreviousLine::Start,
        }
    }

    /// Whether a split before `line` is worth verifying.
    fn is_candidate(&self, line: &str) -> bool {
        let PreviousLine::Blank { after_list_like } = self.previous_line else {
            return false;
        };
        let may_continue_list = after_list_like && is_list_item_line(line);
        let inside_fence = self.open_fence.is_some();
        !(inside_fence || is_blank(line) || starts_indented(line) || may_continue_list)
    }

    /// Updates the fence and previous-line state after scanning `line`.
    fn advance(&mut self, line: &str) {
        if let Some(fence) = &self.open_fence {
            if closes_fence(fence, line) {
                self.open_fence = None;
            }
            self.previous_line = PreviousLine::Content { list_like: false };
            return;
        }
        if is_blank(line) {
            let after_list_like = match self.previous_line {
                PreviousLine::Start => false,
                PreviousLine::Blank { after_list_like } => after_list_like,
                PreviousLine::Content { list_like } => list_like,
            };
            self.previous_line = PreviousLine::Blank { after_list_like };
            return;
        }
        self.open_fence = fence_opening(line);
        self.previous_line = PreviousLine::Content {
            list_like: is_list_item_line(line) || starts_indented(line),
        };
    }
}

impl Default for IncrementalMarkdown {
    fn default() -> Self {
        Self::new()
    }
}

impl IncrementalMarkdown {
    /// An empty answer.
    pub fn new() -> Self {
        IncrementalMarkdown {
            source: String::new(),
            tail_start: 0,
            scan_pos: 0,
            scan: LineScan::new(),
            next_id: 0,
            synced: None,
        }
    }

    /// Appends a delta; returns the blocks that became final because of it.
    pub fn push(&mut self, delta: &str) -> Vec<Block> {
        self.source.push_str(delta);
        if !delta.contains('\n') {
            return Vec::new();
        }
        let candidates = self.scan_complete_lines();
        if candidates.is_empty() {
            return Vec::new();
        }
        let complete_end = self.scan_pos;
        let tail = &self.source[self.tail_start..complete_end];
        let relative: Vec<usize> = candidates.iter().map(|c| c - self.tail_start).collect();
        match best_split(tail, &relative) {
            Some(split) => vec![self.freeze(self.tail_start + split)],
            None => Vec::new(),
        }
    }

    /// The unfinished tail (raw Markdown, possibly with half-typed syntax).
    pub fn tail(&self) -> &str {
        &self.source[self.tail_start..]
    }

    /// Brings `shown` up to date with [`Self::tail`]. When `shown` is what the previous call
    /// wrote and no block was frozen since, only the new text is appended (same generation,
    /// cost proportional to the delta); otherwise its text is replaced.
    pub fn sync_tail(&mut self, shown: &mut StreamTail) {
        let tail = &self.source[self.tail_start..];
        let current = SyncedTail {
            generation: shown.generation(),
            tail_start: self.tail_start,
            len: shown.text().len(),
        };
        let extends = self.synced == Some(current) && current.generation != 0;
        match tail.get(current.len..) {
            Some(more) if extends => shown.append(more),
            _ => shown.replace(tail),
        }
        self.synced = Some(SyncedTail {
            generation: shown.generation(),
            tail_start: self.tail_start,
            len: shown.text().len(),
        });
    }

    /// Ends the answer: the tail (if any) becomes the last block.
    pub fn finish(&mut self) -> Vec<Block> {
        let end = self.source.len();
        self.scan_pos = end;
        self.scan = LineScan::new();
        if self.tail_start == end {
            return Vec::new();
        }
        vec![self.freeze(end)]
    }

    /// Everything pushed so far.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Freezes `tail_start..end` as a new block.
    fn freeze(&mut self, end: usize) -> Block {
        let block = Block {
            id: self.next_id,
            source: self.source[self.tail_start..end].to_string(),
        };
        self.next_id += 1;
        self.tail_start = end;
        block
    }

    /// Scans the complete lines after `scan_pos`, returning candidate split
    /// points (absolute offsets of line starts) in ascending order.
    fn scan_complete_lines(&mut self) -> Vec<usize> {
        let mut candidates = Vec::new();
        let Some(last_newline) = self.source.rfind('\n') else {
            return candidates;
        };
        let complete_end = last_newline + 1;
        while self.scan_pos < complete_end {
            let start = self.scan_pos;
            let end = self.source[start..complete_end]
                .find('\n')
                .map_or(complete_end, |i| start + i + 1);
            let line = &self.source[start..end];
            if self.scan.is_candidate(line) && start > self.tail_start {
                candidates.push(start);
            }
            self.scan.advance(line);
            self.scan_pos = end;
        }
        candidates
    }
}
