//! `POST /api/feedback/clear` — removes the user's rating of one of their answers (none to
//! remove is fine). Body: `{"message_id": "…"}`; another user's answer or an unknown id is 404.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::MessageId;
use leptos::prelude::*;

/// Clears the user's rating of the answer `message_id`.
#[server(prefix = "/api", endpoint = "feedback/clear", input = ArgsJson)]
pub async fn clear_feedback(message_id: MessageId) -> Result<(), ApiError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .clear_feedback(user, &message_id)
        .await
        .map_err(|e| AppError::from_store(e, "That answer does not exist.").into())
}
