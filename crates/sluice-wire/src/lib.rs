//! What crosses the wire between Sluice's server and its clients (the page, API clients, tests):
//! the typed turn events ([`events`]), the streaming request ([`chat_request`]), the ids
//! ([`ids`]), the Server-Sent Events codec ([`sse`]), the server function encodings ([`codec`]
//! for answers, [`api_args`] for arguments), the one error of server functions ([`api_error`]),
//! and the stored conversation as the page receives it
//! ([`conversation`], walked through [`message_tree`]; the ratings of answers: [`feedback`]). Pure code for both targets (native and
//! wasm32); the optional `sqlx` feature only adds row decoding for the server's store (any
//! database sqlx supports: [`text_columns`] stores the two enums as their lowercase names).
//! README's "API" section documents these shapes; tests/integration/wire_pinned.rs pins them.

pub mod api_args;
pub mod api_error;
pub mod attachments;
pub mod chat_request;
pub mod codec;
pub mod conversation;
pub mod events;
pub mod feedback;
pub mod ids;
pub mod message_tree;
pub mod sse;
#[cfg(feature = "sqlx")]
mod text_columns;
