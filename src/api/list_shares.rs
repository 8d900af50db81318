//! `POST /api/shares/list` — the user's shared links that were not revoked, newest first:
//! `[{"token", "title", "created_at", "expires_at", "expired"}]`. Body: `{}`.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::sharing::ShareSummary;
use leptos::prelude::*;

/// Lists the user's links.
#[server(prefix = "/api", endpoint = "shares/list", input = ArgsJson)]
pub async fn list_shares() -> Result<Vec<ShareSummary>, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state.store.list_shares(user).await.map_err(ApiError::from)
}
