//! `POST /api/auth/status` — public: the access mode, the sign-up mode, who is signed in (if
//! anyone), whether the next sign-up creates the first admin and whether it needs the set-up
//! token. Body: `{}`.

use crate::account::AuthStatus;
use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// What the sign-in and sign-up pages need to know.
#[server(prefix = "/api", endpoint = "auth/status", input = ArgsJson)]
pub async fn get_auth_status() -> Result<AuthStatus, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let identity = state.request_identity()?;
    let first_user = state
        .store
        .no_accounts_yet()
        .await
        .map_err(ApiError::from)?;
    Ok(AuthStatus {
        setup_token_needed: first_user && state.config.auth.mode == crate::account::AuthMode::Local,
        mode: state.config.auth.mode,
        signup: state.config.auth.signup,
        user: identity.user.as_ref().map(|account| account.info()),
        first_user,
    })
}
