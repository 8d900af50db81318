//! Markdown for model answers: sanitized rendering of hostile input, streamed incrementally.
//! Pure code (no I/O, no Leptos): the browser renders answers with it, the server and tests check
//! it; `cargo test -p sluice-markdown` runs its tests without building the app.
//!
//! Folders, in the order an answer's text meets them:
//! * [`freeze`]: [`IncrementalMarkdown`] splits a streamed answer into frozen blocks and an
//!   unfinished tail, so only the tail is re-parsed per update.
//! * [`open`]: a list, table, paragraph or quote still open at the end of the tail keeps its
//!   finished children rendered ([`OpenContainer`]).
//! * [`heal`]: [`complete_tail`] hides half-typed syntax in the tail while it streams.
//! * [`tail`]: what a view shows of the tail ([`StreamTail`], [`TailView`]).
//! * [`tree`]: [`parse_to_nodes`] builds a sanitized [`MdNode`] tree (raw HTML becomes text,
//!   links and images pass an allow-list); [`to_html`] renders it.
//! * [`url`]: [`safe_link_href`] and [`image_source`], the URL policy.
//! * [`math`] (TeX to MathML) and [`highlight`] (code), used by the tree's renderers.
//! * `lines`: cheap line classification shared by the freezer and the tail completer.
//!
//! The contract, tested at every split of every fixture and of generated documents
//! (`tests/rendering/`):
//! * The frozen blocks' final render equals a one-shot render of the whole text. A frozen block
//!   is never parsed again, except one that tried a link label whose definition arrives later:
//!   it is re-emitted once per such definition ([`Block::replaces`], applied by
//!   [`merge_blocks`]) with the answer's winning definitions in front.
//! * What a view shows of the tail at every update equals a full parse of the completed tail
//!   (see [`open`] for how open containers keep this). Completion is applied to unfinished text
//!   only (the tail, and a block the pacer has only partly revealed), never to finished text.
//! * Work per update is bounded by new bytes and the live part of the last block: the freezer
//!   and the tail sync look at new bytes only, every top-level block is frozen once a blank
//!   line and the next block's first line follow it, a growing code fence is appended
//!   ([`TailUpdate::Append`]) and an open container re-parses only its live child.
//! * Model text is hostile: the [`tree`] is a closed set of nodes, raw HTML stays text, URLs
//!   pass [`url`], and [`highlight`] and [`math`] produce tokens and a closed MathML set, never
//!   markup. Nothing here returns HTML for a view to inject ([`to_html`], escaped, is for tests).

pub mod freeze;
pub mod heal;
pub mod highlight;
mod lines;
pub mod math;
pub mod open;
pub mod tail;
pub mod tree;
pub mod url;

pub use freeze::block::{merge_blocks, Block};
pub use freeze::incremental::IncrementalMarkdown;
pub use heal::complete_tail;
pub use open::{assemble, ContainerShell, ContainerStep, OpenContainer};
pub use tail::stream::StreamTail;
pub use tail::view::{OpenCode, TailRender, TailUpdate, TailView};
pub use tree::html::to_html;
pub use tree::{parse_to_nodes, CellAlign, ImageSource, MdNode, MdTag};
pub use url::{image_source, safe_link_href};
