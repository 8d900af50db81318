//! `POST /api/conversations/get` — one conversation with every message of every branch.
//! Body: `{"id": "…"}`. Unknown, malformed and other users' ids are all 404.

use crate::conversation::ConversationTree;
use crate::ids::ConversationId;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Loads the conversation `id`.
#[server(prefix = "/api", endpoint = "conversations/get", input = Json)]
pub async fn get_conversation(id: ConversationId) -> Result<ConversationTree, ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .get_conversation(user, &id)
        .await
        .map_err(|e| AppError::from(e).into_server_fn_error())
}
