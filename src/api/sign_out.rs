//! `POST /api/auth/sign_out` — ends the caller's session (this browser only) and clears its
//! cookie. Body: `{}`. 401 without a user.

use leptos::prelude::*;
use server_fn::codec::Json;

/// Signs this browser out.
#[server(prefix = "/api", endpoint = "auth/sign_out", input = Json)]
pub async fn sign_out() -> Result<(), ServerFnError> {
    use crate::server::{auth::session_start, error::AppError, state::AppState};
    let state = AppState::from_context()?;
    state.require_user()?;
    let identity = state.request_identity()?;
    let result = async {
        if let Some(token) = &identity.session_token {
            state.store.delete_session(token).await?;
        }
        session_start::clear_cookie(&state, &identity)
    };
    result.await.map_err(AppError::into_server_fn_error)
}
