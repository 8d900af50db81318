//! What crosses the wire between Sluice's server and its clients (the page, API clients, tests):
//! the typed turn events ([`events`]), the streaming request ([`chat_request`]), the ids
//! ([`ids`]), the Server-Sent Events codec ([`sse`]) and the server
//! function encoding built on it ([`codec`]), and the stored conversation as the page receives it
//! ([`conversation`], walked through [`message_tree`]). Pure code for both targets (native and
//! wasm32); the optional `sqlx` feature only derives row decoding for the server's store.
//! README's "API" section documents these shapes; tests/integration/wire_pinned.rs pins them.

pub mod chat_request;
pub mod codec;
pub mod conversation;
pub mod events;
pub mod ids;
pub mod message_tree;
pub mod sse;
