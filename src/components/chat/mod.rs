//! The chat route (`/` and `/c/{id}`): the `layout` (sidebar beside the chat column, the URL
//! kept in step with the open conversation) and the chat column, `page`, with its top bar
//! (`model_picker`, `conversation_menu`), the `typing_indicator` and the `composer`; the
//! messages themselves are in `message`.

pub mod composer;
pub mod conversation_menu;
pub mod layout;
pub mod model_picker;
pub mod page;
pub mod typing_indicator;
