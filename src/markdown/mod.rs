//! Markdown for model answers: sanitized rendering of hostile input,
//! streamed incrementally.
//!
//! * [`IncrementalMarkdown`] splits a streamed answer into frozen blocks and
//!   an unfinished tail, so only the tail is re-parsed per update.
//! * [`complete_tail`] hides half-typed syntax in the tail while it streams.
//! * [`parse_to_nodes`] builds a sanitized [`MdNode`] tree (raw HTML becomes
//!   text, links and images pass an allow-list); [`to_html`] renders it.
//! * [`safe_link_href`] and [`image_source`] are the URL policy.

mod block;
mod boundary;
mod builder;
mod emphasis;
pub mod highlight;
mod host;
pub mod html;
pub mod incremental;
mod inline_heal;
mod inline_run;
mod lines;
pub mod math;
mod math_events;
mod math_heal;
mod open_container;
mod open_fence;
mod open_list;
mod open_paragraph;
mod open_quote;
mod open_table;
mod quote_tail;
mod references;
pub mod stream_tail;
mod table_heal;
pub mod tail;
pub mod tail_view;
pub mod tree;
pub mod url;

pub use block::{merge_blocks, Block};
pub use html::to_html;
pub use incremental::IncrementalMarkdown;
pub use open_container::{assemble, ContainerShell, ContainerStep, OpenContainer};
pub use stream_tail::StreamTail;
pub use tail::complete_tail;
pub use tail_view::{OpenCode, TailRender, TailUpdate, TailView};
pub use tree::{parse_to_nodes, CellAlign, ImageSource, MdNode, MdTag};
pub use url::{image_source, safe_link_href};
