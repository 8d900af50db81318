//! The sanitized Markdown node tree.
//!
//! Model text is parsed with pulldown-cmark (tables, strikethrough, task
//! lists, math) and converted into [`MdNode`]s: a closed set of node kinds whose
//! only model-controlled attributes are an allow-listed link `href`, a link
//! title, a sanitized code language, table alignment and an ordered list's
//! start number. Raw HTML never survives as markup: it becomes [`MdNode::Text`]
//! and is shown literally. Renderers (the Leptos view, [`crate::to_html`])
//! can therefore trust the tree's shape.

pub(crate) mod builder;
pub(crate) mod events;
pub mod html;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::tree::builder::TreeBuilder;
use crate::tree::events::events;
pub use crate::url::ImageSource;

/// A node of sanitized Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MdNode {
    /// A container from the closed [`MdTag`] set; carries no attributes.
    Element {
        /// Which container this is.
        tag: MdTag,
        /// Its content, in document order.
        children: Vec<MdNode>,
    },
    /// Literal text (including raw HTML from the model), always escaped.
    Text(String),
    /// Inline code span, shown literally.
    Code(String),
    /// A link. `href` is `None` when the destination failed the allow-list:
    /// the content is then shown as an inert, non-clickable span.
    Link {
        /// Allow-listed destination (see [`crate::safe_link_href`]), or `None`.
        href: Option<String>,
        /// Link title for a tooltip, if the model gave one.
        title: Option<String>,
        /// The link text.
        children: Vec<MdNode>,
    },
    /// An image; remote images are never loaded without a click.
    Image {
        /// Plain-text alternative, shown for blocked images and as `alt`.
        alt: String,
        /// How (and whether) the image may be displayed.
        source: ImageSource,
    },
    /// TeX math (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`), converted to MathML when rendered
    /// (see [`crate::math`]); shown as source when it cannot be.
    Math {
        /// Display math (its own centred line) rather than inline.
        display: bool,
        /// The TeX between the delimiters, verbatim.
        tex: String,
    },
    /// A fenced or indented code block.
    CodeBlock {
        /// First word of the fence's info string, reduced to safe characters.
        lang: Option<String>,
        /// The code, verbatim.
        code: String,
    },
    /// The `[ ]` / `[x]` marker of a task-list item.
    TaskCheckbox {
        /// Whether the box is ticked.
        checked: bool,
    },
    /// A heading `h1`..`h6`.
    Heading {
        /// Heading level, 1 to 6.
        level: u8,
        /// The heading text.
        children: Vec<MdNode>,
    },
    /// An ordered list; kept apart from [`MdTag`] because it has a start number.
    OrderedList {
        /// Number of the first item (`3.` starts at 3).
        start: u64,
        /// The list items.
        children: Vec<MdNode>,
    },
    /// A table cell (`th` in the header row, `td` elsewhere).
    TableCell {
        /// True in the header row.
        header: bool,
        /// Column alignment from the delimiter row.
        align: CellAlign,
        /// Cell content.
        children: Vec<MdNode>,
    },
    /// A soft line break inside a paragraph (rendered as a newline).
    SoftBreak,
    /// A hard line break (`<br>`).
    HardBreak,
    /// A thematic break (`<hr>`).
    Rule,
}

/// The closed set of attribute-free containers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MdTag {
    /// `<p>`.
    Paragraph,
    /// `<blockquote>`.
    BlockQuote,
    /// `<ul>`.
    UnorderedList,
    /// `<li>`.
    ListItem,
    /// `<em>`.
    Emphasis,
    /// `<strong>`.
    Strong,
    /// `<del>`.
    Strikethrough,
    /// `<table>`.
    Table,
    /// `<thead>`.
    TableHead,
    /// `<tbody>`.
    TableBody,
    /// `<tr>`.
    TableRow,
    /// A raw HTML block from the model, shown literally as preformatted text.
    RawHtmlBlock,
}

/// Column alignment of a table cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellAlign {
    /// No alignment given.
    None,
    /// `:---`.
    Left,
    /// `:---:`.
    Center,
    /// `---:`.
    Right,
}

/// The pulldown-cmark extensions the product supports.
pub(crate) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
}

/// Parses Markdown into a sanitized node tree. Raw HTML (block and inline)
/// becomes text; links and images are filtered through the URL allow-list.
pub fn parse_to_nodes(src: &str) -> Vec<MdNode> {
    let mut builder = TreeBuilder::new();
    for (event, _) in events(src) {
        builder.push_event(event);
    }
    builder.finish()
}

/// Offset of the tail's last top-level block when `wanted` says yes to its tag.
pub(crate) fn last_block_start(tail: &str, wanted: impl Fn(&Tag) -> bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut start = None;
    for (event, range) in Parser::new_ext(tail, parser_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    start = wanted(&tag).then_some(range.start);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => start = None,
            _ => {}
        }
    }
    start
}
