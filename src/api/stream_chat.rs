//! `POST /api/chat/stream` — the streaming chat endpoint.
//!
//! Body (JSON): `{"model": "demo/sluice-demo", "messages": [{"role": "user", "content": "Hi"}]}`
//! (`model` optional). Answer: `text/event-stream` of `started`, `delta`, `usage`, then `done`
//! or `error` frames, with `: keep-alive` comments while the model is silent.

use crate::codec::{ChatEventStream, EventStream};
use crate::events::ChatMessage;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Starts an answer to `messages` with `model` (or the default model) and streams it.
#[server(prefix = "/api", endpoint = "chat/stream", input = Json, output = EventStream)]
pub async fn stream_chat(
    #[server(default)] model: Option<String>,
    messages: Vec<ChatMessage>,
) -> Result<ChatEventStream, ServerFnError> {
    use crate::server::{chat_turn::start_turn, error::AppError, state::AppState};
    let state = use_context::<AppState>()
        .ok_or_else(|| AppError::Internal("AppState missing from context".to_string()))
        .map_err(AppError::into_server_fn_error)?;
    let items = start_turn(&state, model, messages).map_err(AppError::into_server_fn_error)?;
    Ok(ChatEventStream::new(items))
}
