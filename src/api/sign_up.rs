//! `POST /api/auth/sign_up` — public, `local` mode only: creates an account. Body:
//! `{"name": "…", "password": "…"}`; the name is trimmed (1–64 characters), the password has
//! at least 8 characters and at most 1024 bytes (400 otherwise); a taken name (ignoring case)
//! is 409. The first account is an active admin and is signed in at once. After it, `signup =
//! "open"` signs the new user in too, `"approval"` creates a pending account (no session) for
//! an admin to approve, `"closed"` refuses (403).

use crate::account::SignUpResult;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Creates the account `name` with `password`.
#[server(prefix = "/api", endpoint = "auth/sign_up", input = Json)]
pub async fn sign_up(name: String, password: String) -> Result<SignUpResult, ServerFnError> {
    use crate::account::{check_name, check_password, AccountStatus, SignupMode};
    use crate::server::{error::AppError, session_start, state::AppState};
    let state = AppState::from_context()?;
    let identity = state.request_identity()?;
    let result = async {
        session_start::require_local_mode(&state)?;
        let name = check_name(&name).map_err(AppError::BadRequest)?;
        check_password(&password).map_err(AppError::BadRequest)?;
        let first = state.store.no_accounts_yet().await?;
        let signup = state.config.auth.signup;
        if !first && signup == SignupMode::Closed {
            return Err(AppError::Forbidden(
                "Sign-up is closed: ask an admin for an account.".to_string(),
            ));
        }
        // Decided again inside the insert: the store makes only the very first account an
        // active admin, so two racing "first" sign-ups leave the loser pending, not active
        // (in closed mode too, where an admin may approve it or not).
        let pending = signup != SignupMode::Open;
        let account = state
            .store
            .create_account(&name, Some(&password), pending)
            .await?;
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
    };
    result.await.map_err(AppError::into_server_fn_error)
}
