//! UI components; files mirror the page tree: `chat_page` holds `model_picker`, the
//! `message_list` of `message_view`s (each rendering `reasoning_view`, `markdown_view` (with
//! `markdown_nodes`, `code_block`, `math_view`) and `tool_calls_view`), the
//! `typing_indicator` and the `composer`. `chat_session` is the client-side state machine
//! that sends, streams, stops and retries. `presets_panel` (saved presets to start a chat from)
//! is mounted by the page that hosts it. The account pages: `sign_in_page` (with the
//! `credentials_form`s), `admin_page` (rows in `admin_user_row`) and the sidebar's
//! `account_menu` (with the `change_password_form`); `full_navigation` loads pages anew
//! after the session changed.

pub mod account_menu;
pub mod admin_page;
pub mod admin_user_row;
pub mod change_password_form;
pub mod chat_layout;
pub mod chat_page;
pub mod chat_session;
pub mod code_block;
pub mod composer;
pub mod conversation_menu;
pub mod credentials_form;
pub mod date_groups;
pub mod full_navigation;
pub mod import_button;
pub mod markdown_nodes;
pub mod markdown_view;
pub mod math_view;
pub mod message_list;
pub mod message_view;
pub mod model_picker;
pub mod open_container_view;
pub mod paced_markdown;
pub mod presets_panel;
pub mod reasoning_view;
pub mod sibling_switcher;
pub mod sidebar;
pub mod sidebar_item;
pub mod sign_in_link;
pub mod sign_in_page;
pub mod tool_calls_view;
pub mod typing_indicator;
pub mod user_message;
