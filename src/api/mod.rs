//! Server functions, one per file. Each is callable from the browser as a Rust function and is
//! also a plain HTTP endpoint under `/api/` (documented in README.md). Every one acts for the
//! user the request's identity names (`AppState::require_user`) and refuses without one, except
//! `get_auth_status`, `sign_in` and `sign_up` (and `view_share` when `[sharing] public_links` is on). Each returns `Result<T, ApiError>`
//! ([`crate::api_error`]; an `AppError` converts with `?`) and takes its arguments as
//! [`ArgsJson`](crate::api_args::ArgsJson), whose refusals are sentences naming the field.

pub mod admin_feedback;
pub mod admin_reset_password;
pub mod admin_set_admin;
pub mod admin_set_status;
pub mod admin_users;
pub mod archive_conversations;
pub mod change_password;
pub mod clear_feedback;
pub mod create_folder;
pub mod create_share;
pub mod delete_conversation;
pub mod delete_conversations;
pub mod delete_folder;
pub mod delete_preset;
pub mod get_auth_status;
pub mod get_conversation;
pub mod import_conversation;
pub mod list_conversations;
pub mod list_folders;
pub mod list_models;
pub mod list_presets;
pub mod list_shares;
pub mod move_conversations;
pub mod rename_conversation;
pub mod rename_folder;
pub mod resume_turn;
pub mod revoke_share;
pub mod save_preset;
pub mod set_conversation_pinned;
pub mod set_feedback;
pub mod set_folder_collapsed;
pub mod sign_in;
pub mod sign_out;
pub mod sign_out_everywhere;
pub mod sign_up;
pub mod stop_turn;
pub mod stream_chat;
pub mod update_conversation_settings;
pub mod view_share;

pub use admin_feedback::admin_feedback;
pub use admin_reset_password::admin_reset_password;
pub use admin_set_admin::admin_set_admin;
pub use admin_set_status::admin_set_status;
pub use admin_users::admin_users;
pub use archive_conversations::archive_conversations;
pub use change_password::change_password;
pub use clear_feedback::clear_feedback;
pub use create_folder::create_folder;
pub use create_share::create_share;
pub use delete_conversation::delete_conversation;
pub use delete_conversations::delete_conversations;
pub use delete_folder::delete_folder;
pub use delete_preset::delete_preset;
pub use get_auth_status::get_auth_status;
pub use get_conversation::get_conversation;
pub use import_conversation::import_conversation;
pub use list_conversations::list_conversations;
pub use list_folders::list_folders;
pub use list_models::{list_models, ModelList};
pub use list_presets::list_presets;
pub use list_shares::list_shares;
pub use move_conversations::move_conversations;
pub use rename_conversation::rename_conversation;
pub use rename_folder::rename_folder;
pub use resume_turn::resume_turn;
pub use revoke_share::revoke_share;
pub use save_preset::save_preset;
pub use set_conversation_pinned::set_conversation_pinned;
pub use set_feedback::set_feedback;
pub use set_folder_collapsed::set_folder_collapsed;
pub use sign_in::sign_in;
pub use sign_out::sign_out;
pub use sign_out_everywhere::sign_out_everywhere;
pub use sign_up::sign_up;
pub use stop_turn::stop_turn;
pub use stream_chat::stream_chat;
pub use update_conversation_settings::update_conversation_settings;
pub use view_share::view_share;
