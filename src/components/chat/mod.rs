//! The chat route (`/` and `/c/{id}`): the `layout` (sidebar beside the chat column, the URL
//! kept in step with the open conversation) and the chat column, `page`, with its top bar
//! (`model_picker`, `conversation_menu`), the `typing_indicator` and the `composer`; the
//! messages themselves are in `message`. On small screens the sidebar is a `drawer` opened by
//! its menu button and the conversation menu folds into an `overflow_menu`; `sidebar_toggle`
//! shows and hides the sidebar (a context, for the keyboard shortcut too). Around the messages:
//! `jump_to_latest` and the new chat's `suggestions`.

pub mod composer;
pub mod conversation_menu;
pub mod drawer;
pub mod jump_to_latest;
pub mod layout;
pub mod model_picker;
pub mod overflow_menu;
pub mod page;
pub mod sidebar_toggle;
pub mod suggestions;
pub mod typing_indicator;
