//! `POST /api/admin/users` — admins only (403 otherwise): every account, oldest first, with
//! its status and role (never a password hash). Body: `{}`.

use crate::account::UserSummary;
use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use leptos::prelude::*;

/// Lists the accounts.
#[server(prefix = "/api", endpoint = "admin/users", input = ArgsJson)]
pub async fn admin_users() -> Result<Vec<UserSummary>, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    state.require_admin()?;
    state.store.list_accounts().await.map_err(ApiError::from)
}
