//! Open containers: a list, a table, a paragraph or a block quote at the end of the streaming
//! tail whose finished children (items, rows, settled inline segments, content blocks) are
//! rendered once and appended, while only the child still being written is re-rendered per
//! update (see [`crate::open::list`], [`crate::open::table`], [`crate::open::paragraph`],
//! [`crate::open::quote`]).
//!
//! Entering open mode is verified: the nodes before the container plus the assembled
//! container must equal the full parse of the tail that [`crate::TailView`] just made. Every
//! later update only reads the new lines; anything that does not fit (the container ended,
//! a list turned loose, an unusual line) makes the view render the tail whole again.
//!
//! What ends open mode, in short: a lazy continuation line, another block, a thematic break, a
//! `]:` definition (its label reaches other blocks), a pipe-less row or a change of looseness
//! (lists, tables); a parse that is not one paragraph, or a `|` (paragraphs); a lazy line, a
//! tab, a definition or the quote's end (quotes). Each child's file says why a child parsed
//! alone renders as it does inside the whole.
//!
//! The block before an open one is frozen once the open block's first line is complete — for a
//! one-line paragraph, as models write them, only at its end. The freezer then cuts it off the
//! tail's front ([`crate::StreamTail::drop_front`]: same generation, `dropped` counts the
//! bytes; the pacer cuts its shown tail the same way), and an open paragraph shifts its offsets
//! and replaces only the nodes before it ([`crate::TailUpdate::FrontCut`]) instead of rendering
//! whole again; other open blocks, whose first line and hence the freeze come early, render
//! whole.
//!
//! Guarded by `tests/rendering/markdown_open_containers.rs`: what the view shows equals the
//! full parse of the completed tail at every update, char by char and in random chunks, for
//! every case, generated documents and random marker soup
//! (`random_paragraphs_show_the_full_parse_at_every_update`: seeds 1–4 in every run; every seed
//! of 1–2000 passed a sweep by hand, `SLUICE_FUZZ_SEEDS=1-2000 cargo test --release -p
//! sluice-markdown random_paragraphs`).

pub(crate) mod fence;
pub(crate) mod list;
pub(crate) mod paragraph;
pub(crate) mod quote;
pub(crate) mod table;

use crate::heal::table::{cell_count, is_valid_delimiter_row};
use crate::open::list::{is_thematic_break, list_marker, GrowingList};
use crate::open::paragraph::{join_inline, last_paragraph_start, GrowingParagraph};
use crate::open::quote::GrowingQuote;
use crate::open::table::GrowingTable;
use crate::tree::{last_block_start, parse_to_nodes, MdNode, MdTag};
use pulldown_cmark::Tag;

/// The element that holds an open container's children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerShell {
    /// `<ul>`.
    BulletList,
    /// `<ol>` with its start number.
    OrderedList {
        /// The first item's number.
        start: u64,
    },
    /// `<table>` with its `<thead>` node; children are `<tbody>` rows.
    Table {
        /// The header (rendered once).
        head: MdNode,
    },
    /// `<p>`; children are inline nodes.
    Paragraph,
    /// `<blockquote>`; children are blocks.
    BlockQuote,
}

/// An open container as first rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenContainer {
    /// Its element.
    pub shell: ContainerShell,
    /// The finished children.
    pub closed: Vec<MdNode>,
    /// The child still being written (0 or 1 node; a paragraph's live segment may hold
    /// several inline nodes, a quote's unfinished content several blocks).
    pub live: Vec<MdNode>,
}

/// A change to an open container: children to append and the new live child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerStep {
    /// Children finished since the last update, in order.
    pub closed: Vec<MdNode>,
    /// The child still being written (see [`OpenContainer::live`]).
    pub live: Vec<MdNode>,
}

/// The open container's state within one tail generation.
#[derive(Clone, Debug)]
pub(crate) enum GrowingContainer {
    /// A list.
    List(GrowingList),
    /// A table.
    Table(GrowingTable),
    /// A paragraph.
    Paragraph(GrowingParagraph),
    /// A block quote (boxed: it holds a whole [`crate::IncrementalMarkdown`] for its content).
    Quote(Box<GrowingQuote>),
}

impl GrowingContainer {
    /// Tries open mode for `tail`, whose full display parse is `full`. Returns the state, the
    /// nodes before the container and the container.
    pub(crate) fn start(tail: &str, full: &[MdNode]) -> Option<(Self, Vec<MdNode>, OpenContainer)> {
        let (mut growing, container_start) = match full.last() {
            Some(MdNode::Element {
                tag: MdTag::Paragraph,
                ..
            }) => find_paragraph(tail)?,
            Some(MdNode::Element {
                tag: MdTag::BlockQuote,
                ..
            }) => find_quote(tail)?,
            _ => find_table(tail).or_else(|| find_list(tail))?,
        };
        let step = growing.advance(tail, true)?;
        let shell = match &growing {
            GrowingContainer::Table(table) => ContainerShell::Table {
                head: table.head().ok()?,
            },
            GrowingContainer::List(_) => list_shell(&parse_to_nodes(&tail[container_start..]))?,
            GrowingContainer::Paragraph(_) => ContainerShell::Paragraph,
            GrowingContainer::Quote(_) => ContainerShell::BlockQuote,
        };
        let prefix = parse_to_nodes(&tail[..container_start]);
        let open = OpenContainer {
            shell,
            closed: step.closed,
            live: step.live,
        };
        let mut assembled = prefix.clone();
        assembled.push(assemble(&open.shell, &open.closed, &open.live));
        (assembled.as_slice() == full).then_some((growing, prefix, open))
    }

    /// Shifts the state after `len` bytes before the container were cut off the tail's front
    /// (blocks frozen); returns where the container now starts in the tail, or `None` when the
    /// view must render the tail whole (only a paragraph is shifted: it is the one container
    /// whose first line, hence the freeze of the block before it, can come late).
    pub(crate) fn cut_front(&mut self, len: usize) -> Option<usize> {
        match self {
            GrowingContainer::Paragraph(paragraph) => paragraph.cut_front(len),
            _ => None,
        }
    }

    /// Reads the grown tail; `None` when it must be rendered whole.
    pub(crate) fn feed(&mut self, tail: &str) -> Option<ContainerStep> {
        self.advance(tail, false)
    }

    /// One step of either kind.
    fn advance(&mut self, tail: &str, first: bool) -> Option<ContainerStep> {
        match self {
            GrowingContainer::List(list) => list.feed(tail, first).ok(),
            GrowingContainer::Table(table) => table.feed(tail).ok(),
            GrowingContainer::Paragraph(paragraph) => paragraph.feed(tail).ok(),
            GrowingContainer::Quote(quote) => quote.feed(tail).ok(),
        }
    }
}

/// The container as one node, as a full parse shows it (a paragraph's text nodes that meet
/// at a seam joined, as the parser reports them; the DOM shows adjacent text nodes alike).
pub fn assemble(shell: &ContainerShell, closed: &[MdNode], live: &[MdNode]) -> MdNode {
    let children: Vec<MdNode> = if *shell == ContainerShell::Paragraph {
        let mut children = Vec::new();
        join_inline(&mut children, closed);
        join_inline(&mut children, live);
        children
    } else {
        closed.iter().chain(live).cloned().collect()
    };
    match shell {
        ContainerShell::BulletList => MdNode::Element {
            tag: MdTag::UnorderedList,
            children,
        },
        ContainerShell::OrderedList { start } => MdNode::OrderedList {
            start: *start,
            children,
        },
        ContainerShell::Table { head } => {
            let mut parts = vec![head.clone()];
            if !children.is_empty() {
                parts.push(MdNode::Element {
                    tag: MdTag::TableBody,
                    children,
                });
            }
            MdNode::Element {
                tag: MdTag::Table,
                children: parts,
            }
        }
        ContainerShell::Paragraph => MdNode::Element {
            tag: MdTag::Paragraph,
            children,
        },
        ContainerShell::BlockQuote => MdNode::Element {
            tag: MdTag::BlockQuote,
            children,
        },
    }
}

/// The tail's last block when it is a top-level paragraph.
fn find_paragraph(tail: &str) -> Option<(GrowingContainer, usize)> {
    let start = last_paragraph_start(tail)?;
    Some((
        GrowingContainer::Paragraph(GrowingParagraph::new(start)),
        start,
    ))
}

/// The tail's last block when it is a top-level block quote.
fn find_quote(tail: &str) -> Option<(GrowingContainer, usize)> {
    let start = last_block_start(tail, |tag| matches!(tag, Tag::BlockQuote(_)))?;
    Some((
        GrowingContainer::Quote(Box::new(GrowingQuote::new(start))),
        start,
    ))
}

/// The last table header (a line with `|` followed by a complete, matching delimiter row).
fn find_table(tail: &str) -> Option<(GrowingContainer, usize)> {
    let mut previous: Option<(usize, &str)> = None;
    let mut found = None;
    let mut start = 0;
    for line in tail.split_inclusive('\n') {
        let end = start + line.len();
        if let Some((header_start, header)) = previous {
            let complete = line.ends_with('\n');
            if complete && header.contains('|') && is_valid_delimiter_row(line, cell_count(header))
            {
                found = Some((header_start, end));
            }
        }
        previous = Some((start, line));
        start = end;
    }
    let (header_start, body_start) = found?;
    let head_text = tail[header_start..body_start].to_string();
    Some((
        GrowingContainer::Table(GrowingTable::new(head_text, body_start)),
        header_start,
    ))
}

/// The first column-0 list item line.
fn find_list(tail: &str) -> Option<(GrowingContainer, usize)> {
    let mut start = 0;
    for line in tail.split_inclusive('\n') {
        if let Some(marker) = list_marker(line).filter(|_| !is_thematic_break(line)) {
            return Some((
                GrowingContainer::List(GrowingList::new(marker, start)),
                start,
            ));
        }
        start += line.len();
    }
    None
}

/// The shell of the list that `nodes` (a parse from the list's first line) begins with.
fn list_shell(nodes: &[MdNode]) -> Option<ContainerShell> {
    match nodes.first()? {
        MdNode::Element {
            tag: MdTag::UnorderedList,
            ..
        } => Some(ContainerShell::BulletList),
        MdNode::OrderedList { start, .. } => Some(ContainerShell::OrderedList { start: *start }),
        _ => None,
    }
}
