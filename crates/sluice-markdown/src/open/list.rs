//! A top-level list at the end of the streaming tail, kept open: each finished item is parsed
//! once, on its own (behind a dummy sibling), and only the item still being written is
//! re-parsed per update, so a long list costs the same per token at item 100 as at item 1.
//!
//! Items are found with a line scan: an item starts at a column-0 line with the list's marker
//! (same bullet character, or digits with the same delimiter). Anything else at column 0
//! (a paragraph's lazy continuation, a heading, another list kind, a thematic break, a link
//! reference definition that could change other items) ends the open mode and the tail is
//! rendered whole again, which is always correct.
//!
//! Why an item parsed alone renders like the same item inside the list: sibling items do not
//! share inline or block content; the one list-wide property is looseness (CommonMark: a list
//! is loose if two items are separated by a blank line or an item directly holds two blocks
//! with a blank line between them). It is tracked here — an item parsed behind a tight dummy
//! sibling that turns the dummy loose, or an item followed by blank lines before the next one,
//! makes the list loose — and in a loose list every item is parsed behind a loose dummy
//! sibling so it gets its paragraphs.
//! [`crate::open`] verifies the whole arrangement against one full parse when it
//! enters open mode.

use crate::heal::complete_tail;
use crate::lines::complete_lines_from;
use crate::open::ContainerStep;
use crate::tree::{parse_to_nodes, MdNode, MdTag};

/// What starts an item of the open list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListMarker {
    /// `-`, `*` or `+`.
    Bullet(u8),
    /// Digits followed by `.` or `)`.
    Ordered(u8),
}

/// Why the open mode ended: the tail must be rendered whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ListEnded;

/// The open list's state within one tail generation.
#[derive(Clone, Debug)]
pub(crate) struct GrowingList {
    /// Marker every item of this list starts with.
    marker: ListMarker,
    /// Offset (in the tail) of the item still being written.
    live_start: usize,
    /// Offset of the first line not yet classified.
    scan_pos: usize,
    /// Whether the closed items make the list loose.
    closed_loose: bool,
    /// The looseness the shown items were rendered with (a change needs a full render).
    shown_loose: bool,
    /// Whether an item has closed (the live item is not the list's first).
    has_closed: bool,
}

impl GrowingList {
    /// Open mode for a list whose first item starts at `list_start` (a column-0 marker line).
    pub(crate) fn new(marker: ListMarker, list_start: usize) -> Self {
        GrowingList {
            marker,
            live_start: list_start,
            scan_pos: list_start,
            closed_loose: false,
            shown_loose: false,
            has_closed: false,
        }
    }

    /// Reads the tail (the previous tail plus new text) and returns the view's changes; at the
    /// first call every item is new. `Err` when the text no longer fits open mode.
    pub(crate) fn feed(&mut self, tail: &str, first: bool) -> Result<ContainerStep, ListEnded> {
        let mut closed_texts = Vec::new();
        for (start, line) in complete_lines_from(tail, self.scan_pos) {
            self.classify(line, start, tail, &mut closed_texts)?;
            self.scan_pos = start + line.len();
        }
        let complete_end = self.scan_pos;
        // An item started on the incomplete last line closes the one before it; if the line
        // turns out to be a thematic break, classifying it when complete ends open mode.
        let last_line = &tail[complete_end..];
        if complete_end > self.live_start && self.starts_item(last_line) {
            closed_texts.push(&tail[self.live_start..complete_end]);
            self.live_start = complete_end;
        }
        let mut closed_alone = Vec::with_capacity(closed_texts.len());
        for text in &closed_texts {
            closed_alone.push(self.learn_looseness(text)?);
        }
        // A link reference definition being typed could change how other items render.
        if tail[self.live_start..].contains("]:") {
            return Err(ListEnded);
        }
        let live_text = complete_tail(&tail[self.live_start..]);
        let (live_alone, live_loose) = self.item_in_tight_list(&live_text)?;
        self.has_closed |= !closed_texts.is_empty();
        // A first item with nothing shown yet (say, an image being typed) may not start a
        // list at all: an empty item cannot interrupt a paragraph, and a lone `-` under one
        // is a setext underline.
        if !self.has_closed && is_empty_item(&live_alone) {
            return Err(ListEnded);
        }
        let loose = self.closed_loose || live_loose;
        if !first && loose != self.shown_loose {
            return Err(ListEnded);
        }
        self.shown_loose = loose;
        let closed = if loose {
            closed_texts
                .iter()
                .map(|text| self.item_in_loose_list(text))
                .collect::<Result<_, _>>()?
        } else {
            closed_alone
        };
        let live = if loose && !live_loose {
            self.item_in_loose_list(&live_text)?
        } else {
            live_alone
        };
        Ok(ContainerStep {
            closed,
            live: vec![live],
        })
    }

    /// Classifies one complete line at `start`; a new item closes the live one.
    fn classify<'t>(
        &mut self,
        line: &str,
        start: usize,
        tail: &'t str,
        closed: &mut Vec<&'t str>,
    ) -> Result<(), ListEnded> {
        if line.trim().is_empty() || line.starts_with([' ', '\t']) {
            return Ok(());
        }
        if !self.starts_item(line) || is_thematic_break(line) {
            return Err(ListEnded);
        }
        if start > self.live_start {
            closed.push(&tail[self.live_start..start]);
            self.live_start = start;
        }
        Ok(())
    }

    /// Whether `line` starts an item of this list.
    fn starts_item(&self, line: &str) -> bool {
        list_marker(line) == Some(self.marker)
    }

    /// Updates the list's looseness with a newly closed item; returns the item as it renders
    /// in a tight list.
    fn learn_looseness(&mut self, text: &str) -> Result<MdNode, ListEnded> {
        // A definition inside an item could change how other items render.
        if text.contains("]:") {
            return Err(ListEnded);
        }
        let (alone, loose) = self.item_in_tight_list(text)?;
        // Blank lines between this item and the next one.
        let followed_by_blank = text.lines().count() > 1
            && text
                .lines()
                .last()
                .is_some_and(|line| line.trim().is_empty());
        self.closed_loose |= loose || followed_by_blank;
        Ok(alone)
    }

    /// The item `text` parsed behind a tight dummy sibling, and whether the item makes the list
    /// loose. It does when it directly holds two blocks with a blank line between them, even if
    /// neither is a paragraph (a heading, then a sub-list): the item itself may then show no
    /// sign of it, but the dummy gets its paragraph. An item that is not loose renders as it
    /// does alone.
    fn item_in_tight_list(&self, text: &str) -> Result<(MdNode, bool), ListEnded> {
        let (dummy, item) = self.item_behind_dummy("\n", text)?;
        Ok((item, has_paragraph(&dummy)))
    }

    /// The item `text` as it renders in a loose list: parsed behind a dummy sibling and a blank
    /// line (which makes the two-item list loose without touching the item's own text).
    fn item_in_loose_list(&self, text: &str) -> Result<MdNode, ListEnded> {
        self.item_behind_dummy("\n\n", text).map(|(_, item)| item)
    }

    /// The dummy item `x` of this list's marker, then `separator`, then the item `text`, parsed:
    /// both items, or `Err` when that is not one two-item list.
    fn item_behind_dummy(
        &self,
        separator: &str,
        text: &str,
    ) -> Result<(MdNode, MdNode), ListEnded> {
        let dummy = match self.marker {
            ListMarker::Bullet(c) => format!("{} x{separator}", c as char),
            ListMarker::Ordered(d) => format!("1{} x{separator}", d as char),
        };
        let nodes = parse_to_nodes(&format!("{dummy}{text}"));
        match list_items(&nodes, self.marker) {
            Some([dummy, item]) => Ok((dummy.clone(), item.clone())),
            _ => Err(ListEnded),
        }
    }
}

/// The marker of a column-0 item line (`- x`, `12. x`, a bare `-` at the end of a line).
pub(crate) fn list_marker(line: &str) -> Option<ListMarker> {
    let bytes = line.as_bytes();
    let (marker, width) = match bytes.first()? {
        c @ (b'-' | b'*' | b'+') => (ListMarker::Bullet(*c), 1),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(d @ (b'.' | b')')) if digits <= 9 => (ListMarker::Ordered(*d), digits + 1),
                _ => return None,
            }
        }
        _ => return None,
    };
    match bytes.get(width) {
        None | Some(b' ' | b'\t' | b'\n' | b'\r') => Some(marker),
        _ => None,
    }
}

/// A thematic break (`---`, `* * *`, `___`), which ends a list even though it may start
/// like an item.
pub(crate) fn is_thematic_break(line: &str) -> bool {
    let trimmed = line.trim();
    let Some(first) = trimmed.chars().next() else {
        return false;
    };
    matches!(first, '-' | '*' | '_')
        && trimmed.chars().all(|c| c == first || c == ' ' || c == '\t')
        && trimmed.chars().filter(|c| *c == first).count() >= 3
}

/// The `<li>` nodes of `nodes` when they are exactly one list of `marker`'s kind.
fn list_items(nodes: &[MdNode], marker: ListMarker) -> Option<&[MdNode]> {
    match (nodes, marker) {
        (
            [MdNode::Element {
                tag: MdTag::UnorderedList,
                children,
            }],
            ListMarker::Bullet(_),
        )
        | ([MdNode::OrderedList { children, .. }], ListMarker::Ordered(_)) => Some(children),
        _ => None,
    }
}

/// Whether a list item shows nothing.
fn is_empty_item(item: &MdNode) -> bool {
    matches!(item, MdNode::Element { children, .. } if children.is_empty())
}

/// Whether a list item holds a paragraph directly (it is in a loose list).
fn has_paragraph(item: &MdNode) -> bool {
    let MdNode::Element { children, .. } = item else {
        return false;
    };
    children.iter().any(|child| {
        matches!(
            child,
            MdNode::Element {
                tag: MdTag::Paragraph,
                ..
            }
        )
    })
}
