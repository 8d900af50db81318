//! `POST /api/auth/sign_in` — public, `local` mode only. Body: `{"name": "…", "password":
//! "…"}`. On success starts a new session (a fresh cookie; the session the browser presented,
//! if any, is deleted) and answers the account. An unknown name and a wrong password are the
//! same 401 "Wrong name or password."; a right password for a pending or disabled account is
//! 403 saying so. Repeated failures (per name and per IP) back off: 429 with `Retry-After`.

use crate::account::AccountInfo;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Signs in as `name`.
#[server(prefix = "/api", endpoint = "auth/sign_in", input = Json)]
pub async fn sign_in(name: String, password: String) -> Result<AccountInfo, ServerFnError> {
    use crate::account::MAX_PASSWORD_BYTES;
    use crate::server::{error::AppError, session_start, state::AppState};
    use crate::store::SignInError;
    let state = AppState::from_context()?;
    let identity = state.request_identity()?;
    let result = async {
        session_start::require_local_mode(&state)?;
        // Counted as a failure until the password matched (429 with a wait while backing off).
        let attempt = state
            .limits
            .begin_sign_in(crate::server::client_ip::from_context(), name.trim())?;
        let wrong = || AppError::Unauthorized(SignInError::WrongCredentials.to_string());
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(wrong());
        }
        let account = state
            .store
            .sign_in(name.trim(), &password)
            .await
            .map_err(|e| match e {
                SignInError::WrongCredentials => wrong(),
                SignInError::Pending | SignInError::Disabled => AppError::Forbidden(e.to_string()),
                SignInError::Store(e) => e.into(),
            })?;
        attempt.succeeded();
        session_start::start(&state, &identity, &account).await?;
        Ok(account.info())
    };
    result.await.map_err(AppError::into_server_fn_error)
}
