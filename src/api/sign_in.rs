//! `POST /api/auth/sign_in` — public, `local` mode only. Body: `{"name": "…", "password":
//! "…"}`. On success starts a new session (a fresh cookie; the session the browser presented,
//! if any, is deleted) and answers the account. An unknown name and a wrong password are the
//! same 401 "Wrong name or password."; a right password for a pending or disabled account is
//! 403 saying so. Repeated failures (per name and per IP) back off: 429 with `Retry-After`.
//! A name that no account could have (empty, over 64 characters, control characters) is a
//! 400 and is not counted, so only names of bounded length reach the throttle; while every
//! hashing slot is taken the answer is 503 and the attempt is not counted either.

use crate::account::AccountInfo;
use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Signs in as `name` (each attempt counted in the metrics by its outcome).
#[server(prefix = "/api", endpoint = "auth/sign_in", input = ArgsJson)]
pub async fn sign_in(name: String, password: String) -> Result<AccountInfo, ApiError> {
    use crate::server::metrics::record;
    let (outcome, result) = attempt_sign_in(name, password).await;
    record::sign_in(outcome);
    result
}

/// [`sign_in`]'s work, with the outcome the metrics count.
#[cfg(feature = "ssr")]
async fn attempt_sign_in(
    name: String,
    password: String,
) -> (
    crate::server::metrics::record::SignInOutcome,
    Result<AccountInfo, ApiError>,
) {
    use crate::api_error::ErrorKind;
    use crate::server::metrics::record::SignInOutcome;
    let result = sign_in_checked(name, password).await;
    let outcome = match result.as_ref().map_err(|e| e.kind) {
        Ok(_) => SignInOutcome::Success,
        Err(ErrorKind::Unauthorised) => SignInOutcome::WrongCredentials,
        Err(ErrorKind::Forbidden) => SignInOutcome::NotActive,
        Err(ErrorKind::TooManyRequests) => SignInOutcome::Throttled,
        Err(_) => SignInOutcome::Failed,
    };
    (outcome, result)
}

/// Checks the name and password and starts the session.
#[cfg(feature = "ssr")]
async fn sign_in_checked(name: String, password: String) -> Result<AccountInfo, ApiError> {
    use crate::account::{check_name, MAX_PASSWORD_BYTES};
    use crate::server::{auth::session_start, error::AppError, state::AppState};
    use crate::store::SignInError;
    let state = AppState::from_context()?;
    let identity = state.request_identity()?;
    session_start::require_local_mode(&state)?;
    let name = check_name(&name).map_err(AppError::BadRequest)?;
    // Counted as a failure until the password matched (429 with a wait while backing off).
    let attempt = state
        .limits
        .begin_sign_in(crate::server::http::client_ip::from_context(), &name)
        .await?;
    let wrong = || AppError::Unauthorized(SignInError::WrongCredentials.to_string());
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(wrong().into());
    }
    let account = match state.store.sign_in(&name, &password).await {
        Ok(account) => account,
        Err(SignInError::WrongCredentials) => return Err(wrong().into()),
        Err(e @ (SignInError::Pending | SignInError::Disabled)) => {
            return Err(AppError::Forbidden(e.to_string()).into())
        }
        Err(SignInError::Store(e)) if e.is_busy() => {
            attempt.cancel().await;
            return Err(e.into());
        }
        Err(SignInError::Store(e)) => return Err(e.into()),
    };
    attempt.succeeded().await;
    session_start::start(&state, &identity, &account).await?;
    Ok(account.info())
}
