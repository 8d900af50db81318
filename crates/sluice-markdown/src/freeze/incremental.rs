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
//! continue a list) and each is verified by [`crate::freeze::boundary`] before
//! freezing. The invariant, tested at every split of fixtures and generated
//! documents, is that the concatenated renderings of all blocks equal the
//! rendering of the whole.
//!
//! Link reference definitions are the one way later text changes earlier
//! blocks (`[ref]: https://…` may follow its use). Blocks that use or define
//! labels are rendered with the answer's winning definitions in front of
//! their text, and re-emitted (a new [`Block`] whose `replaces` names the old
//! id) when a definition they tried to use arrives; see [`crate::freeze::references`].
//! The streaming tail carries the frozen blocks' definitions ([`StreamTail::definitions`]),
//! so a label it uses renders as a link before it freezes.

use std::ops::Range;

use crate::freeze::block::Block;
use crate::freeze::boundary::best_split;
use crate::freeze::references::{scan_block, BlockReferences, Definitions};
use crate::lines::{
    closes_fence, fence_opening, is_blank, is_list_item_line, starts_indented, Fence,
};
use crate::tail::stream::StreamTail;

/// A frozen block whose rendering depends on the answer's definitions.
#[derive(Clone, Debug)]
struct Dependent {
    /// Id of its current rendering.
    id: u64,
    /// Its text in the answer's source.
    range: Range<usize>,
    /// The labels it may use.
    references: BlockReferences,
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
#[derive(Clone, Debug)]
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
    /// Winning link reference definitions of the frozen blocks.
    definitions: Definitions,
    /// Frozen blocks that use or define reference labels.
    dependents: Vec<Dependent>,
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
        if self
            .open_fence
            .as_ref()
            .is_some_and(|fence| fence.is_left_by(line))
        {
            self.open_fence = None;
        }
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
            definitions: Definitions::default(),
            dependents: Vec::new(),
        }
    }

    /// Appends a delta; returns the blocks that became final because of it, followed by new
    /// renderings of earlier blocks (see [`Block::replaces`]).
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
            Some(split) => self.freeze(self.tail_start + split),
            None => Vec::new(),
        }
    }

    /// The unfinished tail (raw Markdown, possibly with half-typed syntax).
    pub fn tail(&self) -> &str {
        &self.source[self.tail_start..]
    }

    /// Brings `shown` up to date with [`Self::tail`]. When `shown` is what the previous call
    /// wrote, only the new text is appended (same generation, cost proportional to the delta)
    /// after cutting off the front any blocks frozen since ([`StreamTail::drop_front`]);
    /// otherwise its text is replaced.
    pub fn sync_tail(&mut self, shown: &mut StreamTail) {
        shown.set_definitions(self.definitions.preamble());
        let tail = &self.source[self.tail_start..];
        // Where the text `shown` already holds ends in the source, when it is what the last
        // call wrote (less the blocks frozen off its front since, which are cut off here).
        let synced_end = match self.synced {
            Some(synced)
                if synced.generation == shown.generation()
                    && synced.generation != 0
                    && synced.len == shown.text().len()
                    && (synced.tail_start..=synced.tail_start + synced.len)
                        .contains(&self.tail_start)
                    && shown.drop_front(self.tail_start - synced.tail_start) =>
            {
                Some(synced.tail_start + synced.len)
            }
            _ => None,
        };
        match synced_end {
            Some(end) => shown.append(&self.source[end..]),
            None => shown.replace(tail),
        }
        self.synced = Some(SyncedTail {
            generation: shown.generation(),
            tail_start: self.tail_start,
            len: shown.text().len(),
        });
    }

    /// Ends the answer: the tail (if any) becomes the last block (plus re-renderings of
    /// earlier blocks its definitions complete).
    pub fn finish(&mut self) -> Vec<Block> {
        let end = self.source.len();
        self.scan_pos = end;
        self.scan = LineScan::new();
        if self.tail_start == end {
            return Vec::new();
        }
        self.freeze(end)
    }

    /// Everything pushed so far.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Freezes `tail_start..end` as a new block; also returns new renderings of earlier blocks
    /// whose labels its definitions define.
    fn freeze(&mut self, end: usize) -> Vec<Block> {
        let range = self.tail_start..end;
        self.tail_start = end;
        let references = scan_block(&self.source[range.clone()]);
        let new_labels = self.definitions.learn(&references);
        let id = self.take_id();
        let needs_definitions = references.depends_on_definitions();
        let mut blocks = vec![self.rendering(
            id,
            range.clone(),
            None,
            needs_definitions.then_some(&references),
        )];
        if !new_labels.is_empty() {
            for index in 0..self.dependents.len() {
                if self.dependents[index].references.uses_any_of(&new_labels) {
                    let new_id = self.take_id();
                    let old = &self.dependents[index];
                    let (old_id, old_range) = (old.id, old.range.clone());
                    blocks.push(self.rendering(
                        new_id,
                        old_range,
                        Some(old_id),
                        Some(&old.references),
                    ));
                    self.dependents[index].id = new_id;
                }
            }
        }
        if needs_definitions {
            self.dependents.push(Dependent {
                id,
                range,
                references,
            });
        }
        blocks
    }

    /// A fresh block id.
    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The block for the text at `range`, with the definitions known now of the labels it uses
    /// or defines (`references`, when it does) in front.
    fn rendering(
        &self,
        id: u64,
        range: Range<usize>,
        replaces: Option<u64>,
        references: Option<&BlockReferences>,
    ) -> Block {
        let text = &self.source[range];
        let preamble = references
            .map(|references| self.definitions.preamble_for(references))
            .unwrap_or_default();
        let (source, text_start) = if !preamble.is_empty() {
            (format!("{preamble}{text}"), preamble.len())
        } else {
            (text.to_string(), 0)
        };
        Block {
            id,
            source,
            text_start,
            replaces,
        }
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
