//! `POST /api/shares/create` — makes a read-only link (`/s/{token}`) to a frozen snapshot of
//! the branch the user is looking at. Body: `{"conversation_id": "…", "leaf_id": "…",
//! "include_system_prompt": false, "expiry": "never" | "1d" | "7d" | "30d"}`; `leaf_id` (the
//! last message shown; absent: the newest branch), `include_system_prompt` and `expiry`
//! (default `never`) are optional. Another user's conversation, or a `leaf_id` not in it, is
//! 404; a branch with nothing finished in it is 400.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::{ConversationId, MessageId};
use crate::sharing::{ShareExpiry, ShareSummary};
use leptos::prelude::*;

/// Shares the branch ending at `leaf_id` of the conversation `conversation_id`.
#[server(prefix = "/api", endpoint = "shares/create", input = ArgsJson)]
pub async fn create_share(
    conversation_id: ConversationId,
    #[server(default)] leaf_id: Option<MessageId>,
    #[server(default)] include_system_prompt: bool,
    #[server(default)] expiry: ShareExpiry,
) -> Result<ShareSummary, ApiError> {
    use crate::server::{error::AppError, state::AppState};
    use crate::sharing::snapshot_of;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let tree = state
        .store
        .get_conversation(user, &conversation_id)
        .await
        .map_err(|e| AppError::from_store(e, "That conversation does not exist."))?;
    let now = crate::store::now_millis();
    let snapshot = snapshot_of(&tree, leaf_id.as_deref(), include_system_prompt, now)
        .ok_or_else(|| AppError::NotFound("That message is not in this conversation.".into()))?;
    if snapshot.messages.is_empty() {
        return Err(AppError::BadRequest("There is nothing to share yet.".to_string()).into());
    }
    let json = serde_json::to_string(&snapshot)
        .map_err(|e| AppError::Internal(format!("share snapshot: {e}")))?;
    let expires_at = expiry.lifetime_ms().map(|ms| now.saturating_add(ms));
    state
        .store
        .create_share(user, &conversation_id, &snapshot.title, &json, expires_at)
        .await
        .map_err(|e| AppError::from_store(e, "That conversation does not exist.").into())
}
