//! `POST /api/presets/save` — creates a preset, or replaces one when `id` is given.
//! Body: `{"id": "…" (optional), "name": "…", "system_prompt": "…", "model": "…" | null}`.
//! The name is trimmed (inner whitespace collapsed), must not be empty, is at most
//! [`MAX_PRESET_NAME_CHARS`](crate::preset::MAX_PRESET_NAME_CHARS) characters and is unique per
//! user ignoring case (409 otherwise); the model must be on offer (400) or `null`/empty; the
//! prompt is limited like a message (413). Answers the preset as stored.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::PresetId;
use crate::preset::Preset;
use leptos::prelude::*;

/// Saves a preset: a new one without `id`, else the preset `id` (404 if unknown).
#[server(prefix = "/api", endpoint = "presets/save", input = ArgsJson)]
pub async fn save_preset(
    #[server(default)] id: Option<PresetId>,
    name: String,
    #[server(default)] system_prompt: String,
    #[server(default)] model: Option<String>,
) -> Result<Preset, ApiError> {
    use crate::api::delete_preset::PRESET_NOT_FOUND;
    use crate::preset::normalize_preset_name;
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let model = model
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    let checked = (|| {
        let name = normalize_preset_name(&name).map_err(AppError::BadRequest)?;
        if let Some(model) = &model {
            if state.catalog.resolve(model).is_none() {
                return Err(AppError::BadRequest(format!("Unknown model {model:?}.")));
            }
        }
        let limit = state.config.server.max_message_bytes;
        if system_prompt.len() > limit {
            return Err(AppError::PayloadTooLarge(format!(
                "The system prompt is too long (the limit is {}).",
                crate::byte_size::limit(limit as u64)
            )));
        }
        Ok(name)
    })();
    let name = checked.map_err(ApiError::from)?;
    // A prompt of only whitespace is no prompt.
    let system_prompt = if system_prompt.trim().is_empty() {
        ""
    } else {
        system_prompt.as_str()
    };
    let saved = match id {
        None => {
            state
                .store
                .create_preset(user, &name, system_prompt, model.as_deref())
                .await
        }
        Some(id) => {
            state
                .store
                .update_preset(user, &id, &name, system_prompt, model.as_deref())
                .await
        }
    };
    saved.map_err(|e| ApiError::from(AppError::from_store(e, PRESET_NOT_FOUND)))
}
