//! `POST /api/conversations/pin` — pins a conversation to the top of the sidebar, or unpins
//! it. Body: `{"id": "…", "pinned": true | false}`.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::ConversationId;
use leptos::prelude::*;

/// Pins (`pinned`) or unpins the conversation `id`.
#[server(prefix = "/api", endpoint = "conversations/pin", input = ArgsJson)]
pub async fn set_conversation_pinned(id: ConversationId, pinned: bool) -> Result<(), ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .set_conversation_pinned(user, &id, pinned)
        .await
        .map_err(ApiError::from)
}
