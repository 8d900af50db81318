//! `POST /api/conversations/list` — the sidebar: the user's conversations, most recently
//! active first. Body: `{"search": "text"}` (optional) keeps those whose title or any message
//! contains the text.

use crate::conversation::ConversationSummary;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Lists the user's conversations, optionally filtered by `search`.
#[server(prefix = "/api", endpoint = "conversations/list", input = Json)]
pub async fn list_conversations(
    #[server(default)] search: Option<String>,
) -> Result<Vec<ConversationSummary>, ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .list_conversations(user, search.as_deref())
        .await
        .map_err(|e| AppError::from(e).into_server_fn_error())
}
