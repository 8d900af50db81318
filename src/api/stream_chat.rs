//! `POST /api/chat/stream` — the streaming chat endpoint.
//!
//! Body (JSON), in a stored conversation:
//! `{"conversation_id": "…", "action": {"type": "send", "parent_id": "…", "content": "Hi"}}`
//! (no `conversation_id`: a new conversation; `action` may also be
//! `{"type": "regenerate", "user_message_id": "…"}` or `{"type": "continue", "answer_id": "…"}`;
//! optional `model` and, for a new conversation, `system_prompt`). A temporary chat that stores
//! nothing sends the whole history instead:
//! `{"model": "demo/sluice-demo", "messages": [{"role": "user", "content": "Hi"}]}`.
//!
//! Refused with 429 (and `Retry-After`) beyond `[limits] messages_per_minute` or
//! `concurrent_streams` for the user, before anything is stored.
//!
//! Answer: `text/event-stream` of `started` (with the stored ids), `delta`, `usage`, then
//! `done` or `error` frames, with `: keep-alive` comments while the model is silent.
//!
//! Optional `merge_ms` (≤ 100): at most one frame per that many milliseconds once text flows;
//! deltas published in between arrive as one merged delta carrying the last one's sequence
//! number. The browser asks for this (it renders at ~30 frames a second anyway); without it
//! every event is its own frame.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::chat_request::ChatRequest;
use crate::codec::{ChatEventStream, EventStream};
use leptos::prelude::*;

/// Starts an answer and streams it: a stored turn when the body names an `action`, a temporary
/// chat when it carries `messages` (both or neither: refused while the body is read).
#[server(prefix = "/api", endpoint = "chat/stream", input = ArgsJson, output = EventStream)]
pub async fn stream_chat(
    #[server(flatten)] request: ChatRequest,
    #[server(default)] merge_ms: Option<u32>,
) -> Result<ChatEventStream<ApiError>, ApiError> {
    use crate::server::state::AppState;
    use crate::server::turn::start::{start_stored_turn, start_turn};
    use futures::StreamExt;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let merge = std::time::Duration::from_millis(merge_ms.unwrap_or(0).into());
    let ip = crate::server::http::client_ip::from_context();
    // Refused before anything is stored; the slot lives as long as the answer's stream.
    let slot = state
        .limits
        .check_message(user, ip)
        .await
        .map_err(ApiError::from)?;
    let items = match request {
        ChatRequest::Stored(request) => start_stored_turn(&state, user, request, slot, merge)
            .await
            .map(StreamExt::boxed),
        ChatRequest::Temporary(request) => start_turn(&state, user, request, slot, merge)
            .await
            .map(StreamExt::boxed),
    }
    .map_err(ApiError::from)?;
    Ok(ChatEventStream::new(items))
}
