//! Turns a pulldown-cmark event stream into the sanitized [`MdNode`] tree.
//!
//! The builder keeps an explicit stack of open containers (no recursion), so
//! hostile nesting cannot overflow the call stack while parsing. Past
//! [`MAX_DEPTH`] open containers, further containers are flattened into their
//! parent, which keeps the finished tree shallow enough for recursive
//! renderers and `Drop`.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Tag};

use crate::tree::{CellAlign, MdNode, MdTag};
use crate::url::{image_source, safe_link_href};

/// Deepest container nesting kept in the tree; deeper containers are flattened.
pub(crate) const MAX_DEPTH: usize = 48;

/// Longest code-block language name kept.
const MAX_LANG_LEN: usize = 32;

/// What an open container becomes once its end event arrives.
enum FrameKind {
    /// The document itself; never closed by an event.
    Root,
    /// A plain container from the closed tag set.
    Element(MdTag),
    /// A heading of the given level.
    Heading(u8),
    /// An ordered list with its start number.
    OrderedList(u64),
    /// A link whose destination was already allow-listed.
    Link {
        /// Sanitized destination, `None` for an inert link.
        href: Option<String>,
        /// Optional tooltip text.
        title: Option<String>,
    },
    /// An image; its children only provide the alt text.
    Image {
        /// Raw destination, decided on at the end.
        destination: String,
    },
    /// A code block; its children only provide the code text.
    CodeBlock {
        /// Sanitized language name.
        lang: Option<String>,
    },
    /// The header row of a table (pulldown-cmark emits its cells directly).
    TableHead,
    /// A table; its body rows get wrapped in `<tbody>` at the end.
    Table,
    /// A table cell.
    TableCell {
        /// True in the header row.
        header: bool,
        /// Alignment of the cell's column.
        align: CellAlign,
    },
    /// A container we do not render (too deep, or an extension we do not
    /// enable): its children are spliced into the parent.
    Transparent,
}

/// An open container and the children collected so far.
struct Frame {
    /// What this frame becomes when closed.
    kind: FrameKind,
    /// Children collected so far.
    children: Vec<MdNode>,
}

/// Incremental tree construction from events.
pub(crate) struct TreeBuilder {
    /// Open containers, the root first.
    frames: Vec<Frame>,
    /// Column alignments of the table being built (GFM tables do not nest).
    table_alignments: Vec<CellAlign>,
    /// Whether cells currently belong to the header row.
    in_table_head: bool,
}

impl TreeBuilder {
    /// An empty builder holding only the root frame.
    pub(crate) fn new() -> Self {
        TreeBuilder {
            frames: vec![Frame {
                kind: FrameKind::Root,
                children: Vec::new(),
            }],
            table_alignments: Vec::new(),
            in_table_head: false,
        }
    }

    /// Feeds one parser event.
    pub(crate) fn push_event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.open(tag),
            Event::End(_) => self.close(),
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.push_node(MdNode::Text(text.into_string()));
            }
            Event::Code(code) => self.push_node(MdNode::Code(code.into_string())),
            Event::InlineMath(tex) => self.push_node(MdNode::Math {
                display: false,
                tex: tex.into_string(),
            }),
            Event::DisplayMath(tex) => self.push_node(MdNode::Math {
                display: true,
                tex: tex.into_string(),
            }),
            Event::FootnoteReference(label) => {
                self.push_node(MdNode::Text(format!("[^{label}]")));
            }
            Event::SoftBreak => self.push_node(MdNode::SoftBreak),
            Event::HardBreak => self.push_node(MdNode::HardBreak),
            Event::Rule => self.push_node(MdNode::Rule),
            Event::TaskListMarker(checked) => self.push_node(MdNode::TaskCheckbox { checked }),
        }
    }

    /// Closes anything left open and returns the top-level nodes.
    pub(crate) fn finish(mut self) -> Vec<MdNode> {
        while self.frames.len() > 1 {
            self.close();
        }
        self.frames
            .pop()
            .map(|root| root.children)
            .unwrap_or_default()
    }

    /// Opens a frame for a start tag.
    fn open(&mut self, tag: Tag<'_>) {
        let kind = if self.frames.len() > MAX_DEPTH {
            FrameKind::Transparent
        } else {
            self.frame_kind(tag)
        };
        self.frames.push(Frame {
            kind,
            children: Vec::new(),
        });
    }

    /// Maps a pulldown-cmark tag to what we will build from it.
    fn frame_kind(&mut self, tag: Tag<'_>) -> FrameKind {
        match tag {
            Tag::Paragraph => FrameKind::Element(MdTag::Paragraph),
            Tag::Heading { level, .. } => FrameKind::Heading(heading_level(level)),
            Tag::BlockQuote(_) => FrameKind::Element(MdTag::BlockQuote),
            Tag::CodeBlock(kind) => FrameKind::CodeBlock {
                lang: match kind {
                    CodeBlockKind::Fenced(info) => sanitize_lang(&info),
                    CodeBlockKind::Indented => None,
                },
            },
            Tag::HtmlBlock => FrameKind::Element(MdTag::RawHtmlBlock),
            Tag::List(Some(start)) => FrameKind::OrderedList(start),
            Tag::List(None) => FrameKind::Element(MdTag::UnorderedList),
            Tag::Item => FrameKind::Element(MdTag::ListItem),
            Tag::Table(alignments) => {
                self.table_alignments = alignments.iter().map(|a| cell_align(*a)).collect();
                FrameKind::Table
            }
            Tag::TableHead => {
                self.in_table_head = true;
                FrameKind::TableHead
            }
            Tag::TableRow => FrameKind::Element(MdTag::TableRow),
            Tag::TableCell => {
                let column = self.frames.last().map_or(0, |row| row.children.len());
                FrameKind::TableCell {
                    header: self.in_table_head,
                    align: self
                        .table_alignments
                        .get(column)
                        .copied()
                        .unwrap_or(CellAlign::None),
                }
            }
            Tag::Emphasis => FrameKind::Element(MdTag::Emphasis),
            Tag::Strong => FrameKind::Element(MdTag::Strong),
            Tag::Strikethrough => FrameKind::Element(MdTag::Strikethrough),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let href = if link_type == LinkType::Email {
                    safe_link_href(&format!("mailto:{dest_url}"))
                } else {
                    safe_link_href(&dest_url)
                };
                FrameKind::Link {
                    href,
                    title: (!title.is_empty()).then(|| title.into_string()),
                }
            }
            Tag::Image { dest_url, .. } => FrameKind::Image {
                destination: dest_url.into_string(),
            },
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => FrameKind::Transparent,
        }
    }

    /// Closes the innermost frame and attaches the result to its parent.
    fn close(&mut self) {
        if self.frames.len() <= 1 {
            return;
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let children = frame.children;
        let node = match frame.kind {
            FrameKind::Root => return,
            FrameKind::Transparent => {
                for child in children {
                    self.push_node(child);
                }
                return;
            }
            FrameKind::Element(tag) => MdNode::Element { tag, children },
            FrameKind::Heading(level) => MdNode::Heading { level, children },
            FrameKind::OrderedList(start) => MdNode::OrderedList { start, children },
            FrameKind::Link { href, title } => MdNode::Link {
                href,
                title,
                children,
            },
            FrameKind::Image { destination } => MdNode::Image {
                alt: plain_text(&children),
                source: image_source(&destination),
            },
            FrameKind::CodeBlock { lang } => MdNode::CodeBlock {
                lang,
                code: plain_text(&children),
            },
            FrameKind::TableHead => {
                self.in_table_head = false;
                MdNode::Element {
                    tag: MdTag::TableHead,
                    children: vec![MdNode::Element {
                        tag: MdTag::TableRow,
                        children,
                    }],
                }
            }
            FrameKind::Table => table_node(children),
            FrameKind::TableCell { header, align } => MdNode::TableCell {
                header,
                align,
                children,
            },
        };
        self.push_node(node);
    }

    /// Appends a node to the innermost frame, merging adjacent text.
    fn push_node(&mut self, node: MdNode) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        if let (MdNode::Text(new_text), Some(MdNode::Text(last_text))) =
            (&node, frame.children.last_mut())
        {
            last_text.push_str(new_text);
            return;
        }
        frame.children.push(node);
    }
}

/// Builds `<table>`: the header first, body rows wrapped in `<tbody>`.
fn table_node(children: Vec<MdNode>) -> MdNode {
    let mut head = Vec::new();
    let mut rows = Vec::new();
    for child in children {
        match child {
            MdNode::Element {
                tag: MdTag::TableHead,
                ..
            } => head.push(child),
            other => rows.push(other),
        }
    }
    if !rows.is_empty() {
        head.push(MdNode::Element {
            tag: MdTag::TableBody,
            children: rows,
        });
    }
    MdNode::Element {
        tag: MdTag::Table,
        children: head,
    }
}

/// Concatenated text content (used for alt text and code blocks).
pub(crate) fn plain_text(nodes: &[MdNode]) -> String {
    let mut out = String::new();
    append_plain_text(nodes, &mut out);
    out
}

/// Appends the text content of `nodes` to `out`.
fn append_plain_text(nodes: &[MdNode], out: &mut String) {
    for node in nodes {
        match node {
            MdNode::Text(text) | MdNode::Code(text) => out.push_str(text),
            MdNode::CodeBlock { code, .. } | MdNode::Math { tex: code, .. } => out.push_str(code),
            MdNode::Image { alt, .. } => out.push_str(alt),
            MdNode::SoftBreak | MdNode::HardBreak => out.push(' '),
            MdNode::Element { children, .. }
            | MdNode::Link { children, .. }
            | MdNode::Heading { children, .. }
            | MdNode::OrderedList { children, .. }
            | MdNode::TableCell { children, .. } => append_plain_text(children, out),
            MdNode::TaskCheckbox { .. } | MdNode::Rule => {}
        }
    }
}

/// Heading level as a number.
fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Table alignment in our own type.
fn cell_align(alignment: Alignment) -> CellAlign {
    match alignment {
        Alignment::None => CellAlign::None,
        Alignment::Left => CellAlign::Left,
        Alignment::Center => CellAlign::Center,
        Alignment::Right => CellAlign::Right,
    }
}

/// The first word of a fence info string if it looks like a language name
/// (letters, digits, `+ - # . _`); anything else is dropped.
fn sanitize_lang(info: &str) -> Option<String> {
    let word = info.split_whitespace().next()?;
    let plausible = word.len() <= MAX_LANG_LEN
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '#' | '.' | '_'));
    plausible.then(|| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::sanitize_lang;

    #[test]
    fn languages_are_reduced_to_safe_words() {
        assert_eq!(sanitize_lang("rust ignore").as_deref(), Some("rust"));
        assert_eq!(sanitize_lang("c++").as_deref(), Some("c++"));
        assert_eq!(sanitize_lang("\"><script>"), None);
        assert_eq!(sanitize_lang("   "), None);
    }
}
