//! `POST /api/admin/set_admin` — admins only (403 otherwise): promotes or demotes a user.
//! Body: `{"user_id": 2, "is_admin": true}`. Unknown user: 404; demoting the last active
//! admin: 409.

use leptos::prelude::*;
use server_fn::codec::Json;

/// Makes `user_id` an admin (`is_admin`) or a plain user.
#[server(prefix = "/api", endpoint = "admin/set_admin", input = Json)]
pub async fn admin_set_admin(user_id: i64, is_admin: bool) -> Result<(), ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    use crate::store::UserId;
    let state = AppState::from_context()?;
    let admin = state.require_admin()?;
    let account = state
        .store
        .set_account_admin(UserId(user_id), is_admin)
        .await
        .map_err(|e| AppError::from_store(e, "That user does not exist.").into_server_fn_error())?;
    tracing::info!(
        admin = admin.id.0,
        user = account.id.0,
        is_admin,
        "account role set"
    );
    Ok(())
}
