//! `POST /api/chat/stop` — stops a live turn. Body: `{"turn_id": "…"}`. Answers `true` when
//! the caller's turn was live (its upstream request is dropped at once), `false` when it had
//! already ended or is not the caller's (another user's turn looks like an unknown one). On a
//! cluster a turn live on another replica is stopped through its owner (`server::cluster`):
//! `true` once the owner was told; 503 while Redis does not answer.

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
    if state.turns.cancel(&turn_id, user) {
        return Ok(true);
    }
    match &state.cluster {
        Some(cluster) => cluster.stop(&turn_id, user).await.map_err(|_| {
            crate::server::error::AppError::Unavailable(
                "Stop cannot reach the server writing this answer right now; press Stop again \
                 in a moment."
                    .to_string(),
            )
            .into()
        }),
        None => Ok(false),
    }
}
