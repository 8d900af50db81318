//! `POST /api/admin/set_admin` — admins only (403 otherwise): promotes or demotes a user.
//! Body: `{"user_id": 2, "is_admin": true}`. Unknown user: 404; demoting the last active
//! admin: 409.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Makes `user_id` an admin (`is_admin`) or a plain user.
#[server(prefix = "/api", endpoint = "admin/set_admin", input = ArgsJson)]
pub async fn admin_set_admin(user_id: i64, is_admin: bool) -> Result<(), ApiError> {
    use crate::server::{error::AppError, state::AppState};
    use crate::store::UserId;
    let state = AppState::from_context()?;
    let admin = state.require_admin()?;
    let account = state
        .store
        .set_account_admin(UserId(user_id), is_admin)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, "That user does not exist.")))?;
    tracing::info!(
        admin = admin.id.0,
        user = account.id.0,
        is_admin,
        "account role set"
    );
    Ok(())
}
