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
