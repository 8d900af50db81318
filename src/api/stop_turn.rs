//! `POST /api/chat/stop` — stops a live turn. Body: `{"turn_id": "…"}`. Answers `true` when
//! the turn was live (its upstream request is dropped at once), `false` when it had already ended.

use leptos::prelude::*;
use server_fn::codec::Json;

/// Cancels the turn `turn_id`.
#[server(prefix = "/api", endpoint = "chat/stop", input = Json)]
pub async fn stop_turn(turn_id: String) -> Result<bool, ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    let state = use_context::<AppState>()
        .ok_or_else(|| AppError::Internal("AppState missing from context".to_string()))
        .map_err(AppError::into_server_fn_error)?;
    Ok(state.turns.cancel(&turn_id))
}
