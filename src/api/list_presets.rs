//! `POST /api/presets/list` — the user's saved presets (name, system prompt, model), ordered
//! by name ignoring case. Body: `{}`.

use crate::preset::Preset;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Lists the user's presets.
#[server(prefix = "/api", endpoint = "presets/list", input = Json)]
pub async fn list_presets() -> Result<Vec<Preset>, ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .list_presets(user)
        .await
        .map_err(|e| AppError::from(e).into_server_fn_error())
}
