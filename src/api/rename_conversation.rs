//! `POST /api/conversations/rename` — sets a conversation's title.
//! Body: `{"id": "…", "title": "…"}`; the title is trimmed, must not be empty and is at most
//! [`MAX_TITLE_CHARS`] characters.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::ConversationId;
use leptos::prelude::*;

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Renames the conversation `id`.
#[server(prefix = "/api", endpoint = "conversations/rename", input = ArgsJson)]
pub async fn rename_conversation(id: ConversationId, title: String) -> Result<(), ApiError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(AppError::BadRequest("The title is empty.".to_string()).into());
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::BadRequest(format!(
            "The title is too long (the limit is {MAX_TITLE_CHARS} characters)."
        ))
        .into());
    }
    state
        .store
        .rename_conversation(user, &id, &title)
        .await
        .map_err(ApiError::from)
}
