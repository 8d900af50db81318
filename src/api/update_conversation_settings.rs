//! `POST /api/conversations/settings` — the model and system prompt of a conversation, used
//! by every later answer in it. Body: `{"id": "…", "model": "…", "system_prompt": "…"}`
//! (`null` or empty clears one). The model must be one on offer; the prompt is limited like a
//! message.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::ConversationId;
use leptos::prelude::*;

/// Sets the model and system prompt of the conversation `id`.
#[server(prefix = "/api", endpoint = "conversations/settings", input = ArgsJson)]
pub async fn update_conversation_settings(
    id: ConversationId,
    #[server(default)] model: Option<String>,
    #[server(default)] system_prompt: Option<String>,
) -> Result<(), ApiError> {
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let model = model.filter(|m| !m.trim().is_empty());
    let system_prompt = system_prompt.filter(|p| !p.trim().is_empty());
    let checked = (|| {
        if let Some(model) = &model {
            if state.catalog.resolve(model).is_none() {
                return Err(AppError::BadRequest(format!("Unknown model {model:?}.")));
            }
        }
        let limit = state.config.server.max_message_bytes;
        if system_prompt.as_ref().is_some_and(|p| p.len() > limit) {
            return Err(AppError::PayloadTooLarge(format!(
                "The system prompt is too long (the limit is {}).",
                crate::byte_size::limit(limit as u64)
            )));
        }
        Ok(())
    })();
    checked.map_err(ApiError::from)?;
    state
        .store
        .set_conversation_settings(user, &id, model.as_deref(), system_prompt.as_deref())
        .await
        .map_err(ApiError::from)
}
