//! `POST /api/folders/list` — the user's folders by name (ignoring case). Body: `{}`.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::organise::Folder;
use leptos::prelude::*;

/// Lists the user's folders.
#[server(prefix = "/api", endpoint = "folders/list", input = ArgsJson)]
pub async fn list_folders() -> Result<Vec<Folder>, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state.store.list_folders(user).await.map_err(ApiError::from)
}
