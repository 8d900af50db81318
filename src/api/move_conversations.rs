//! `POST /api/conversations/move` — moves chats into one of the user's folders, or out of any
//! with `"folder_id": null`. Body: `{"ids": ["…", …], "folder_id": "…" | null}`; 1 to
//! [`MAX_BULK_CONVERSATIONS`](crate::organise::MAX_BULK_CONVERSATIONS) ids (400 otherwise), all
//! or nothing (404 when a chat or the folder is unknown).

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::{ConversationId, FolderId};
use leptos::prelude::*;

/// Moves the conversations `ids` into `folder_id` (`None`: no folder).
#[server(prefix = "/api", endpoint = "conversations/move", input = ArgsJson)]
pub async fn move_conversations(
    ids: Vec<ConversationId>,
    #[server(default)] folder_id: Option<FolderId>,
) -> Result<(), ApiError> {
    use crate::organise::{bulk_count_problem, BULK_NOT_FOUND};
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    if let Some(problem) = bulk_count_problem(ids.len()) {
        return Err(AppError::BadRequest(problem).into());
    }
    state
        .store
        .move_conversations(user, &ids, folder_id.as_ref())
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, BULK_NOT_FOUND)))
}
