//! `POST /api/auth/change_password` — `local` mode: sets the caller's password. Body:
//! `{"current": "…", "new": "…"}`. A wrong current password is 403; the new one follows the
//! sign-up rules (400). Every other session of the caller ends; this one stays. Wrong current
//! passwords are throttled per account like failed sign-ins (429 with `Retry-After`), so a
//! borrowed or stolen session cannot guess the password; both hashes wait for a slot of the
//! store's hashing gate (503 when busy, not counted).

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Replaces the caller's password `current` with `new`.
#[server(prefix = "/api", endpoint = "auth/change_password", input = ArgsJson)]
pub async fn change_password(current: String, new: String) -> Result<(), ApiError> {
    use crate::account::{check_password, MAX_PASSWORD_BYTES};
    use crate::server::{auth::session_start, error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let identity = state.request_identity()?;
    session_start::require_local_mode(&state)?;
    check_password(&new).map_err(AppError::BadRequest)?;
    let attempt = state.limits.begin_password_change(user).await?;
    let matches = if current.len() > MAX_PASSWORD_BYTES {
        false
    } else {
        match state.store.password_matches(user, &current).await {
            Ok(matches) => matches,
            Err(error) if error.is_busy() => {
                attempt.cancel().await;
                return Err(error.into());
            }
            Err(error) => return Err(error.into()),
        }
    };
    if !matches {
        return Err(AppError::Forbidden("The current password is wrong.".to_string()).into());
    }
    attempt.succeeded().await;
    state
        .store
        .set_password(user, &new, identity.session_token.as_deref())
        .await?;
    tracing::info!(user = user.0, "password changed");
    Ok(())
}
