//! Server functions, one per file. Each is callable from the browser as a Rust function and is
//! also a plain HTTP endpoint under `/api/` (documented in README.md).

pub mod list_models;
pub mod stop_turn;
pub mod stream_chat;

pub use list_models::{list_models, ModelList};
pub use stop_turn::stop_turn;
pub use stream_chat::stream_chat;
