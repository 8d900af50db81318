//! `POST /api/conversations/get` — one conversation with every message of every branch.
//! Body: `{"id": "…"}`. Unknown, malformed and other users' ids are all 404.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::conversation::ConversationTree;
use crate::ids::ConversationId;
use leptos::prelude::*;

/// Loads the conversation `id`.
#[server(prefix = "/api", endpoint = "conversations/get", input = ArgsJson)]
pub async fn get_conversation(id: ConversationId) -> Result<ConversationTree, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .get_conversation(user, &id)
        .await
        .map_err(ApiError::from)
}
