//! `POST /api/auth/sign_up` — public, `local` mode only: creates an account. Body:
//! `{"name": "…", "password": "…", "setup_token": "…"}`; the name is trimmed and put in NFC
//! (1–64 characters, no control, invisible or text-direction characters), the password has
//! at least 8 characters and at most 1024 bytes (400 otherwise). The first account is an
//! active admin and is signed in at once; it needs the set-up token printed at start-up
//! (`setup_token`, 403 without it or with a wrong one; later sign-ups need none). After it,
//! `signup = "open"` signs the new user in too, `"approval"` creates a pending account (no
//! session) for an admin to approve, `"closed"` refuses (403). A taken name (ignoring case)
//! is 409.
//!
//! Everything cheap is checked before the password is hashed: the input, the sign-up mode,
//! the per-IP throttle (429, every sign-up counts), the set-up token and whether the name is
//! free; the hash then waits for a slot of the store's hashing gate (503 when busy).

use crate::account::SignUpResult;
use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Creates the account `name` with `password` (`setup_token`: for the first account only).
#[server(prefix = "/api", endpoint = "auth/sign_up", input = ArgsJson)]
pub async fn sign_up(
    name: String,
    password: String,
    setup_token: Option<String>,
) -> Result<SignUpResult, ApiError> {
    use crate::account::{canonical_name, check_new_name, check_password};
    use crate::account::{AccountStatus, SignupMode};
    use crate::server::{auth::session_start, error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let identity = state.request_identity()?;
    session_start::require_local_mode(&state)?;
    let name = check_new_name(&canonical_name(&name)).map_err(AppError::BadRequest)?;
    check_password(&password).map_err(AppError::BadRequest)?;
    let first = state.store.no_accounts_yet().await?;
    let signup = state.config.auth.signup;
    if !first && signup == SignupMode::Closed {
        return Err(AppError::Forbidden(
            "Sign-up is closed: ask an admin for an account.".to_string(),
        )
        .into());
    }
    let attempt = state
        .limits
        .begin_sign_up(crate::server::http::client_ip::from_context())
        .await?;
    if first {
        state.admin_setup.check(setup_token.as_deref())?;
    }
    // The same 409 the insert gives, before a hash is spent on a name that is taken.
    if state.store.account_by_name(&name).await?.is_some() {
        return Err(AppError::Conflict(format!("The name “{name}” is taken.")).into());
    }
    // Decided again inside the insert: the store makes only the very first account an
    // active admin, so two racing "first" sign-ups leave the loser pending, not active
    // (in closed mode too, where an admin may approve it or not).
    let pending = signup != SignupMode::Open;
    let account = match state
        .store
        .create_account(&name, Some(&password), pending)
        .await
    {
        Ok(account) => account,
        Err(error) if error.is_busy() => {
            attempt.cancel().await;
            return Err(error.into());
        }
        Err(error) => return Err(error.into()),
    };
    let active = account.status == AccountStatus::Active;
    if active {
        session_start::start(&state, &identity, &account).await?;
    }
    tracing::info!(
        user = account.id.0,
        admin = account.is_admin,
        active,
        "signed up"
    );
    Ok(SignUpResult {
        account: account.info(),
        pending: !active,
    })
}
