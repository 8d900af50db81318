//! `POST /api/conversations/delete` — deletes a conversation and all its messages.
//! Body: `{"id": "…"}`. An answer still streaming into it stops being stored.

use crate::ids::ConversationId;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Deletes the conversation `id`.
#[server(prefix = "/api", endpoint = "conversations/delete", input = Json)]
pub async fn delete_conversation(id: ConversationId) -> Result<(), ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .delete_conversation(user, &id)
        .await
        .map_err(|e| AppError::from(e).into_server_fn_error())
}
