//! `POST /api/shares/view` — the snapshot a shared link shows (what the `/s/{token}` page
//! renders). Body: `{"token": "…"}`. Open without sign-in when `[sharing] public_links` is on,
//! else only for signed-in users of this instance. An unknown, revoked or expired token is the
//! same 404 with [`SHARE_GONE`](crate::sharing::SHARE_GONE), so nobody learns which.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::sharing::ShareSnapshot;
use leptos::prelude::*;

/// The snapshot of the link `token`.
#[server(prefix = "/api", endpoint = "shares/view", input = ArgsJson)]
pub async fn view_share(token: String) -> Result<ShareSnapshot, ApiError> {
    use crate::server::{error::AppError, state::AppState};
    use crate::sharing::SHARE_GONE;
    let state = AppState::from_context()?;
    if !state.config.sharing.public_links {
        state.require_user()?;
    }
    let json = state
        .store
        .shared_snapshot(&token)
        .await?
        .ok_or_else(|| AppError::NotFound(SHARE_GONE.to_string()))?;
    serde_json::from_str(&json)
        .map_err(|e| AppError::Internal(format!("stored share snapshot: {e}")).into())
}
