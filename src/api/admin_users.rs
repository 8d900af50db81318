//! `POST /api/admin/users` — admins only (403 otherwise): every account, oldest first, with
//! its status and role (never a password hash). Body: `{}`.

use crate::account::UserSummary;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Lists the accounts.
#[server(prefix = "/api", endpoint = "admin/users", input = Json)]
pub async fn admin_users() -> Result<Vec<UserSummary>, ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    state.require_admin()?;
    state
        .store
        .list_accounts()
        .await
        .map_err(|e| AppError::from(e).into_server_fn_error())
}
