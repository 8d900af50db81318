//! `POST /api/admin/reset_password` — admins only (403 otherwise), `local` mode: sets another
//! user's password (for someone who forgot theirs) and ends all their sessions. Body:
//! `{"user_id": 2, "password": "…"}` (sign-up password rules, 400). Unknown user: 404. The
//! hash waits for a slot of the store's hashing gate (503 when busy).

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Sets the password of `user_id`.
#[server(prefix = "/api", endpoint = "admin/reset_password", input = ArgsJson)]
pub async fn admin_reset_password(user_id: i64, password: String) -> Result<(), ApiError> {
    use crate::account::check_password;
    use crate::server::{auth::session_start, error::AppError, state::AppState};
    use crate::store::UserId;
    let state = AppState::from_context()?;
    let admin = state.require_admin()?;
    session_start::require_local_mode(&state)?;
    check_password(&password).map_err(AppError::BadRequest)?;
    state
        .store
        .set_password(UserId(user_id), &password, None)
        .await
        .map_err(|e| AppError::from_store(e, "That user does not exist."))?;
    tracing::info!(admin = admin.id.0, user = user_id, "password reset");
    Ok(())
}
