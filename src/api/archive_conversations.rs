//! `POST /api/conversations/archive` — archives chats (they leave the list, search still finds
//! them) or, with `"archived": false`, restores them. Body: `{"ids": ["…", …], "archived":
//! true | false}`; 1 to
//! [`MAX_BULK_CONVERSATIONS`](crate::organise::MAX_BULK_CONVERSATIONS) ids (400 otherwise), all
//! or nothing (404 when one is unknown).

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::ConversationId;
use leptos::prelude::*;

/// Archives (or restores) the conversations `ids`.
#[server(prefix = "/api", endpoint = "conversations/archive", input = ArgsJson)]
pub async fn archive_conversations(
    ids: Vec<ConversationId>,
    archived: bool,
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
        .archive_conversations(user, &ids, archived)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, BULK_NOT_FOUND)))
}
