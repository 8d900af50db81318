//! `POST /api/conversations/delete` — deletes a conversation and all its messages.
//! Body: `{"id": "…"}`. An answer still streaming into it stops being stored.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::ConversationId;
use leptos::prelude::*;

/// Deletes the conversation `id`.
#[server(prefix = "/api", endpoint = "conversations/delete", input = ArgsJson)]
pub async fn delete_conversation(id: ConversationId) -> Result<(), ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .delete_conversation(user, &id)
        .await
        .map_err(ApiError::from)
}
