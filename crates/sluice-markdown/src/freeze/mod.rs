//! Freezing: an answer's finished blocks are cut off the streaming text once, rendered once and
//! never touched again ([`incremental::IncrementalMarkdown`]); split points are checked against a
//! real parse ([`boundary`]), and link reference definitions are shared across blocks
//! ([`references`]).

pub(crate) mod block;
pub(crate) mod boundary;
pub mod incremental;
pub(crate) mod references;
