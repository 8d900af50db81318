//! `POST /api/auth/sign_out_everywhere` — ends every session of the caller (all browsers) and
//! clears this browser's cookie. Body: `{}`; answers how many sessions ended. 401 without a user.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Signs the caller out on every device.
#[server(prefix = "/api", endpoint = "auth/sign_out_everywhere", input = ArgsJson)]
pub async fn sign_out_everywhere() -> Result<u64, ApiError> {
    use crate::server::{auth::session_start, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let identity = state.request_identity()?;
    let ended = state.store.delete_user_sessions(user).await?;
    session_start::clear_cookie(&state, &identity)?;
    tracing::info!(user = user.0, ended, "signed out everywhere");
    Ok(ended)
}
