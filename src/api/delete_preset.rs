//! `POST /api/presets/delete` — deletes a saved preset. Body: `{"id": "…"}`. Chats already
//! started from it keep their own copy of its prompt and model.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::PresetId;
use leptos::prelude::*;

/// The 404 text of the preset endpoints (unknown, malformed and other users' ids alike).
pub const PRESET_NOT_FOUND: &str = "That preset does not exist.";

/// Deletes the preset `id`.
#[server(prefix = "/api", endpoint = "presets/delete", input = ArgsJson)]
pub async fn delete_preset(id: PresetId) -> Result<(), ApiError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .delete_preset(user, &id)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, PRESET_NOT_FOUND)))
}
