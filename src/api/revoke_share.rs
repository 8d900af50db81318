//! `POST /api/shares/revoke` — ends one of the user's links at once (its page answers 404
//! from then on). Body: `{"token": "…"}`; an unknown, foreign or already revoked token is 404.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Revokes the link `token`.
#[server(prefix = "/api", endpoint = "shares/revoke", input = ArgsJson)]
pub async fn revoke_share(token: String) -> Result<(), ApiError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .revoke_share(user, &token)
        .await
        .map_err(|e| AppError::from_store(e, "That shared link does not exist.").into())
}
