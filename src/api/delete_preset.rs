//! `POST /api/presets/delete` — deletes a saved preset. Body: `{"id": "…"}`. Chats already
//! started from it keep their own copy of its prompt and model.

use crate::ids::PresetId;
use leptos::prelude::*;
use server_fn::codec::Json;

/// The 404 text of the preset endpoints (unknown, malformed and other users' ids alike).
pub const PRESET_NOT_FOUND: &str = "That preset does not exist.";

/// Deletes the preset `id`.
#[server(prefix = "/api", endpoint = "presets/delete", input = Json)]
pub async fn delete_preset(id: PresetId) -> Result<(), ServerFnError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .delete_preset(user, &id)
        .await
        .map_err(|e| AppError::from_store(e, PRESET_NOT_FOUND).into_server_fn_error())
}
