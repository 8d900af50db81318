//! `POST /api/chat/resume` — reads a turn again after a reload, in another tab, or after the
//! connection dropped. Body: `{"turn_id": "…", "answer_id": "…", "after": 12}` (either id; both
//! when known). Answer: the same `text/event-stream` as `/api/chat/stream`: the events after
//! sequence `after` (consecutive deltas merged), then live events until `done`/`error`; or, if
//! the turn has ended, one `stored` event with the finished answer. 404 when nothing matches.
//! Optional `merge_ms`: as for `/api/chat/stream` (at most one frame per that many ms).

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::codec::{ChatEventStream, EventStream};
use leptos::prelude::*;

/// Follows the turn `turn_id` (or the one writing `answer_id`) from after sequence `after`.
#[server(prefix = "/api", endpoint = "chat/resume", input = ArgsJson, output = EventStream)]
pub async fn resume_turn(
    #[server(default)] turn_id: Option<String>,
    #[server(default)] answer_id: Option<String>,
    #[server(default)] after: u64,
    #[server(default)] merge_ms: Option<u32>,
) -> Result<ChatEventStream<ApiError>, ApiError> {
    use crate::server::state::AppState;
    use crate::server::turn_resume::{resume, ResumeRequest};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let request = ResumeRequest {
        turn_id,
        answer_id,
        after,
        merge: std::time::Duration::from_millis(merge_ms.unwrap_or(0).into()),
    };
    let items = resume(&state, user, request)
        .await
        .map_err(ApiError::from)?;
    Ok(ChatEventStream::new(items))
}
