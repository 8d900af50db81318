//! The view model of a streaming answer's tail: decides, per tail update, whether the view
//! re-renders the tail or only appends text to the code block still being written.
//!
//! A full render parses [`crate::complete_tail`]'s version of the tail. When the tail ends
//! inside a top-level fenced code block, the render is split into the nodes before it and an
//! [`OpenCode`] block, and later updates of the same [`StreamTail`] generation become
//! [`TailUpdate::Append`]: only the new code text, computed from the new bytes alone, so a
//! long code block costs the same per token however long it already is. Append mode is only
//! entered when the appended text provably matches what the parser shows for the block (the
//! block's code is compared once, at the start), and it ends with a full render at the
//! closing fence, when highlighting is applied.
//!
//! What bounds the rest of the tail: [`crate::IncrementalMarkdown`] freezes every top-level
//! block once a blank line and the next block's first line follow it, so the tail holds the
//! last top-level block (plus blocks not separated from it by a blank line). When that ends in
//! a list, a table, a paragraph or a block quote, [`crate::open`] keeps it open and
//! updates become [`TailUpdate::Container`]: finished items, rows, settled segments or quote
//! blocks to append and the live one, so the cost per update is the live item's. When blocks before an open paragraph are
//! frozen (cut off the tail's front, same generation), the paragraph's offsets shift and the
//! update is [`TailUpdate::FrontCut`]: only the nodes before it change.

use crate::heal::complete_tail;
use crate::open::fence::{find, GrowingFence};
use crate::open::{ContainerStep, GrowingContainer, OpenContainer};
use crate::tail::stream::StreamTail;
use crate::tree::{parse_to_nodes, MdNode};

/// How much a line must grow before a refused container is tried again on the same line
/// (a list item's first line decides late whether it starts a list).
const RETRY_AFTER_BYTES: usize = 24;

/// A code block still being written, shown as plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenCode {
    /// Language from the fence's info string (sanitized like finished blocks).
    pub lang: Option<String>,
    /// The code so far.
    pub code: String,
}

/// A full rendering of the tail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TailRender {
    /// The sanitized nodes (before the open code block, if there is one).
    pub nodes: Vec<MdNode>,
    /// The code block still being written at the end of the tail.
    pub open_code: Option<OpenCode>,
    /// The list, table or paragraph still being written at the end of the tail (after `nodes`).
    pub open_container: Option<OpenContainer>,
}

/// What a view must do after a tail update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TailUpdate {
    /// Replace the tail's rendering.
    Render(TailRender),
    /// Append this text to the open code block.
    Append(String),
    /// Append finished children to the open container and replace its live child.
    Container(ContainerStep),
    /// Blocks were frozen off the tail's front while a paragraph stays open: replace the
    /// nodes before the open container with `prefix` (usually none are left) and apply `step`
    /// to the container, if the paragraph grew too.
    FrontCut {
        /// The nodes before the open container now.
        prefix: Vec<MdNode>,
        /// The container's change, if any.
        step: Option<ContainerStep>,
    },
    /// Nothing visible changed.
    Unchanged,
}

/// Per-view state; see the module documentation.
#[derive(Debug, Default)]
pub struct TailView {
    /// Generation of the tail last seen.
    generation: u64,
    /// Length of the tail last seen.
    seen_len: usize,
    /// [`StreamTail::dropped`] of the tail last seen (a larger count: blocks frozen off it).
    seen_dropped: usize,
    /// The open code block being appended to, if in append mode.
    growing: Option<GrowingFence>,
    /// The open list, table or paragraph being appended to, if in that mode.
    container: Option<GrowingContainer>,
    /// The open container's live child as last shown (to skip updates that change nothing).
    shown_live: Vec<MdNode>,
    /// `(generation, complete length, length)` of the last failed attempt to open a
    /// container: a new attempt waits for a new complete line or [`RETRY_AFTER_BYTES`] more.
    refused_at: Option<(u64, usize, usize)>,
    /// How many full renders were made (for tests and benchmarks).
    renders: u64,
}

impl TailView {
    /// A view model that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many full renders [`Self::update`] has asked for so far.
    pub fn full_renders(&self) -> u64 {
        self.renders
    }

    /// Takes the current tail and says how the view must change.
    pub fn update(&mut self, tail: &StreamTail) -> TailUpdate {
        let text = tail.text();
        let same_generation = tail.generation() == self.generation;
        let mut front_cut = None;
        if same_generation && tail.dropped() != self.seen_dropped {
            front_cut = self.cut_front(tail);
            if front_cut.is_none() {
                return self.render_whole(tail);
            }
        }
        let same_text = same_generation && text.len() >= self.seen_len;
        if same_text {
            if text.len() == self.seen_len {
                return front_cut.map_or(TailUpdate::Unchanged, |prefix| TailUpdate::FrontCut {
                    prefix,
                    step: None,
                });
            }
            // New text that may use a label the answer defines: render whole (open modes parse
            // without the definitions).
            let may_use_labels =
                !tail.definitions().is_empty() && text[self.seen_len..].contains(']');
            if may_use_labels {
                self.growing = None;
                self.container = None;
            }
            if let Some(growing) = &mut self.growing {
                let mut appended = String::new();
                if growing.feed(text, &mut appended).is_ok() {
                    self.seen_len = text.len();
                    return if appended.is_empty() {
                        TailUpdate::Unchanged
                    } else {
                        TailUpdate::Append(appended)
                    };
                }
            }
            if let Some(container) = &mut self.container {
                if let Some(step) = container.feed(text) {
                    self.seen_len = text.len();
                    let changed = !step.closed.is_empty() || step.live != self.shown_live;
                    if changed {
                        self.shown_live.clone_from(&step.live);
                    }
                    let step = changed.then_some(step);
                    return match (front_cut, step) {
                        (Some(prefix), step) => TailUpdate::FrontCut { prefix, step },
                        (None, Some(step)) => TailUpdate::Container(step),
                        (None, None) => TailUpdate::Unchanged,
                    };
                }
            }
        }
        self.render_whole(tail)
    }

    /// Shifts the open paragraph's state after blocks were frozen off the tail's front and
    /// returns the nodes now before it; `None` when the tail must be rendered whole instead.
    fn cut_front(&mut self, tail: &StreamTail) -> Option<Vec<MdNode>> {
        let cut = tail.dropped().checked_sub(self.seen_dropped)?;
        let seen_len = self.seen_len.checked_sub(cut)?;
        if self.growing.is_some() {
            return None;
        }
        let start = self.container.as_mut()?.cut_front(cut)?;
        let before = tail.text().get(..start)?;
        self.seen_len = seen_len;
        self.seen_dropped = tail.dropped();
        Some(parse_to_nodes(before))
    }

    /// A full render of the tail, remembered as the state later updates build on.
    fn render_whole(&mut self, tail: &StreamTail) -> TailUpdate {
        self.generation = tail.generation();
        self.seen_len = tail.text().len();
        self.seen_dropped = tail.dropped();
        TailUpdate::Render(self.render(tail.text(), tail.definitions()))
    }

    /// Renders `text` in full and enters append mode when it ends in an open code block.
    /// When the text may use labels of `definitions` (the answer's), it is parsed behind them,
    /// whole.
    fn render(&mut self, text: &str, definitions: &str) -> TailRender {
        self.renders += 1;
        self.growing = None;
        self.container = None;
        let completed = complete_tail(text);
        if !definitions.is_empty() && text.contains(']') {
            return TailRender {
                nodes: parse_to_nodes(&format!("{definitions}{completed}")),
                ..TailRender::default()
            };
        }
        let mut nodes = parse_to_nodes(&completed);
        let Some(found) = find(text) else {
            return self.open_container_or_whole(text, nodes);
        };
        let found_line_start = found.line_start;
        let Some(MdNode::CodeBlock { lang, code: parsed }) = nodes.last() else {
            return TailRender {
                nodes,
                ..TailRender::default()
            };
        };
        let Ok((growing, code)) = GrowingFence::start(found, text) else {
            return TailRender {
                nodes,
                ..TailRender::default()
            };
        };
        // The fence must be a top-level block of its own (not inside a list item or quote
        // that the line scan cannot see) and show what the parser shows.
        let head_start = found_line_start;
        let matches_parser = (*parsed == code || parsed.strip_suffix('\n') == Some(code.as_str()))
            && parse_to_nodes(&text[..head_start]) == nodes[..nodes.len() - 1];
        if !matches_parser {
            return TailRender {
                nodes,
                ..TailRender::default()
            };
        }
        let lang = lang.clone();
        nodes.pop();
        self.growing = Some(growing);
        TailRender {
            nodes,
            open_code: Some(OpenCode { lang, code }),
            open_container: None,
        }
    }

    /// The render of `text` (fully parsed as `nodes`) with its last list, table or paragraph
    /// open when that is verified to show the same; tried again only once a new line completed
    /// (or the line grew by [`RETRY_AFTER_BYTES`]).
    fn open_container_or_whole(&mut self, text: &str, nodes: Vec<MdNode>) -> TailRender {
        let complete = text.rfind('\n').map_or(0, |i| i + 1);
        let retry = match self.refused_at {
            Some((generation, refused_complete, refused_len)) => {
                generation != self.generation
                    || refused_complete != complete
                    || text.len() >= refused_len + RETRY_AFTER_BYTES
            }
            None => true,
        };
        if retry {
            if let Some((growing, prefix, open)) = GrowingContainer::start(text, &nodes) {
                self.container = Some(growing);
                self.shown_live.clone_from(&open.live);
                self.refused_at = None;
                return TailRender {
                    nodes: prefix,
                    open_code: None,
                    open_container: Some(open),
                };
            }
            self.refused_at = Some((self.generation, complete, text.len()));
        }
        TailRender {
            nodes,
            ..TailRender::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TailUpdate, TailView};
    use crate::{parse_to_nodes, IncrementalMarkdown, MdNode, StreamTail};

    /// Streams `text` one char at a time through the freezer and a view model, rebuilding
    /// the displayed open code from the updates, and checks it against the parser after
    /// every char. Returns the number of full renders.
    fn stream_checking(text: &str) -> u64 {
        let mut markdown = IncrementalMarkdown::new();
        let mut tail = StreamTail::default();
        let mut view = TailView::new();
        let mut shown_code: Option<String> = None;
        for (i, c) in text.char_indices() {
            markdown.push(&text[i..i + c.len_utf8()]);
            markdown.sync_tail(&mut tail);
            match view.update(&tail) {
                TailUpdate::Render(render) => shown_code = render.open_code.map(|o| o.code),
                TailUpdate::Append(more) => shown_code
                    .as_mut()
                    .expect("append only in append mode")
                    .push_str(&more),
                TailUpdate::Unchanged | TailUpdate::Container(_) | TailUpdate::FrontCut { .. } => {}
            }
            if let Some(code) = &shown_code {
                let nodes = parse_to_nodes(&crate::complete_tail(tail.text()));
                let Some(MdNode::CodeBlock { code: parsed, .. }) = nodes.last() else {
                    panic!("append mode without a code block: {:?}", tail.text());
                };
                assert!(
                    parsed == code || parsed.strip_suffix('\n') == Some(code.as_str()),
                    "shown {code:?} but parser has {parsed:?} for {:?}",
                    tail.text()
                );
            }
        }
        view.full_renders()
    }

    #[test]
    fn a_growing_fence_is_appended_not_re_rendered() {
        let body: String = (0..200).map(|i| format!("    let x{i} = {i};\n")).collect();
        let text = format!("Intro line\n```rust\n{body}```\n");
        let renders = stream_checking(&text);
        // One render per char until the opening line is complete, one when the fence
        // opens, one when it closes: none per code character.
        assert!(
            renders <= 25,
            "{renders} full renders for {} chars",
            text.len()
        );
    }

    #[test]
    fn appended_text_matches_the_parser_in_tricky_fences() {
        for text in [
            "```\na\n``\n``x\n```\n",
            "  ```py\n    a\n  b\n c\n```\n",
            "~~~~\n~~~\n```\n~~~~\n",
            "```\n\ttab\n  `x`\n```\n",
            "para\n\n```js\nlet a = `x`;\n\n\nend\n",
            "- item\n  ```\n  in list\n  ```\n",
            "```\nNUL\0here\n```\n",
        ] {
            stream_checking(text);
        }
    }

    #[test]
    fn a_replaced_tail_is_rendered_in_full() {
        let mut view = TailView::new();
        let mut tail = StreamTail::default();
        tail.replace("```\nabc");
        assert!(matches!(view.update(&tail), TailUpdate::Render(_)));
        tail.append("d");
        assert_eq!(view.update(&tail), TailUpdate::Append("d".to_string()));
        tail.replace("```\nabcde");
        assert!(matches!(view.update(&tail), TailUpdate::Render(_)));
        assert_eq!(view.full_renders(), 2);
    }
}
