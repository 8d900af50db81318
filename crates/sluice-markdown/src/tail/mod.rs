//! The unfinished tail of a streamed answer as a view consumes it: its text and generation
//! ([`stream::StreamTail`]), and per update whether to re-render it or only append to the code
//! block still being written ([`view::TailView`]).

pub mod stream;
pub mod view;
