//! Server functions, one per file. Each is callable from the browser as a Rust function and is
//! also a plain HTTP endpoint under `/api/` (documented in README.md).

pub mod delete_conversation;
pub mod delete_preset;
pub mod get_conversation;
pub mod import_conversation;
pub mod list_conversations;
pub mod list_models;
pub mod list_presets;
pub mod rename_conversation;
pub mod save_preset;
pub mod stop_turn;
pub mod stream_chat;
pub mod update_conversation_settings;

pub use delete_conversation::delete_conversation;
pub use delete_preset::delete_preset;
pub use get_conversation::get_conversation;
pub use import_conversation::import_conversation;
pub use list_conversations::list_conversations;
pub use list_models::{list_models, ModelList};
pub use list_presets::list_presets;
pub use rename_conversation::rename_conversation;
pub use save_preset::save_preset;
pub use stop_turn::stop_turn;
pub use stream_chat::stream_chat;
pub use update_conversation_settings::update_conversation_settings;
