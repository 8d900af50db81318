//! `POST /api/auth/sign_out` — ends the caller's session (this browser only) and clears its
//! cookie. Body: `{}`. 401 without a user.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Signs this browser out.
#[server(prefix = "/api", endpoint = "auth/sign_out", input = ArgsJson)]
pub async fn sign_out() -> Result<(), ApiError> {
    use crate::server::{auth::session_start, state::AppState};
    let state = AppState::from_context()?;
    state.require_user()?;
    let identity = state.request_identity()?;
    if let Some(token) = &identity.session_token {
        state.store.delete_session(token).await?;
    }
    Ok(session_start::clear_cookie(&state, &identity)?)
}
