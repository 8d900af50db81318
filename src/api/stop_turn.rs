//! `POST /api/chat/stop` — stops a live turn. Body: `{"turn_id": "…"}`. Answers `true` when
//! the caller's turn was live (its upstream request is dropped at once), `false` when it had
//! already ended or is not the caller's (another user's turn looks like an unknown one).

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::TurnId;
use leptos::prelude::*;

/// Cancels the turn `turn_id`.
#[server(prefix = "/api", endpoint = "chat/stop", input = ArgsJson)]
pub async fn stop_turn(turn_id: TurnId) -> Result<bool, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    Ok(state.turns.cancel(&turn_id, user))
}
