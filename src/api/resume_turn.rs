//! `POST /api/chat/resume` — reads a turn again after a reload, in another tab, or after the
//! connection dropped. Body: `{"turn_id": "…", "answer_id": "…", "after": 12}` (either id; both
//! when known). Answer: the same `text/event-stream` as `/api/chat/stream`: the events after
//! sequence `after` (consecutive deltas merged), then live events until `done`/`error`; or, if
//! the turn has ended, one `stored` event with the finished answer (a stored answer's turn id
//! alone is enough: it names the answer). 404 when nothing matches (a temporary chat's ended
//! turn).
//! Optional `merge_ms`: as for `/api/chat/stream` (at most one frame per that many ms).

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::codec::{ChatEventStream, EventStream};
use crate::ids::{MessageId, TurnId};
use leptos::prelude::*;

/// Follows the turn `turn_id` (or the one writing `answer_id`) from after sequence `after`.
#[server(prefix = "/api", endpoint = "chat/resume", input = ArgsJson, output = EventStream)]
pub async fn resume_turn(
    #[server(default)] turn_id: Option<TurnId>,
    #[server(default)] answer_id: Option<MessageId>,
    #[server(default)] after: u64,
    #[server(default)] merge_ms: Option<u32>,
) -> Result<ChatEventStream<ApiError>, ApiError> {
    use crate::server::error::AppError;
    use crate::server::state::AppState;
    use crate::server::turn::resume::{resume, ResumeRequest};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    // A stored answer's turn names its answer: an ended one is then read from the database.
    let traced = answer_id.is_none();
    let answer_id = answer_id.or_else(|| {
        turn_id
            .as_deref()
            .and_then(crate::server::turn::registry::answer_of_turn)
            .map(MessageId::from)
    });
    let traced = traced && answer_id.is_some();
    let request = ResumeRequest {
        turn_id,
        answer_id,
        after,
        merge: std::time::Duration::from_millis(merge_ms.unwrap_or(0).into()),
    };
    let items = resume(&state, user, request)
        .await
        .map_err(|error| match error {
            // An answer traced from a turn id that is not the reader's looks like any unknown turn.
            AppError::NotFound(_) if traced => crate::server::turn::resume::turn_gone(),
            error => error,
        })
        .map_err(ApiError::from)?;
    Ok(ChatEventStream::new(items))
}
