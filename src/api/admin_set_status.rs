//! `POST /api/admin/set_status` — admins only (403 otherwise): approves a pending account,
//! disables or re-enables one. Body: `{"user_id": 2, "status": "active"|"disabled"|"pending"}`.
//! Disabling ends the user's sessions at once. Unknown user: 404; disabling the last active
//! admin: 409.

use crate::account::AccountStatus;
use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Sets the status of `user_id`.
#[server(prefix = "/api", endpoint = "admin/set_status", input = ArgsJson)]
pub async fn admin_set_status(user_id: i64, status: AccountStatus) -> Result<(), ApiError> {
    use crate::server::{error::AppError, state::AppState};
    use crate::store::UserId;
    let state = AppState::from_context()?;
    let admin = state.require_admin()?;
    let account = state
        .store
        .set_account_status(UserId(user_id), status)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, "That user does not exist.")))?;
    tracing::info!(
        admin = admin.id.0,
        user = account.id.0,
        status = status.as_str(),
        "account status set"
    );
    Ok(())
}
