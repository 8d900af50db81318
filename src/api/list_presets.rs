//! `POST /api/presets/list` — the user's saved presets (name, system prompt, model), ordered
//! by name ignoring case. Body: `{}`.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::preset::Preset;
use leptos::prelude::*;

/// Lists the user's presets.
#[server(prefix = "/api", endpoint = "presets/list", input = ArgsJson)]
pub async fn list_presets() -> Result<Vec<Preset>, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state.store.list_presets(user).await.map_err(ApiError::from)
}
