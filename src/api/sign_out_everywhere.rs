//! `POST /api/auth/sign_out_everywhere` — ends every session of the caller (all browsers) and
//! clears this browser's cookie. Body: `{}`; answers how many sessions ended. 401 without a user.

use leptos::prelude::*;
use server_fn::codec::Json;

/// Signs the caller out on every device.
#[server(prefix = "/api", endpoint = "auth/sign_out_everywhere", input = Json)]
pub async fn sign_out_everywhere() -> Result<u64, ServerFnError> {
    use crate::server::{auth::session_start, error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let identity = state.request_identity()?;
    let result = async {
        let ended = state.store.delete_user_sessions(user).await?;
        session_start::clear_cookie(&state, &identity)?;
        tracing::info!(user = user.0, ended, "signed out everywhere");
        Ok(ended)
    };
    result.await.map_err(AppError::into_server_fn_error)
}
