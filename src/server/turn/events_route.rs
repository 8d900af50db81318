//! `GET /api/turns/{turn_id}/events` — a live turn as a plain Server-Sent Events resource, for
//! `EventSource`, curl and other tools. It honours the standard `Last-Event-ID` request header
//! (or `?after=N`): the events after that sequence number, then live ones until `done`/`error`.
//! With `?answer_id=…` a turn that has ended is answered with one `stored` event (id `end`) holding
//! the finished answer; a reconnect that sends `Last-Event-ID: end`, or names an ended turn
//! without `answer_id`, gets `204 No Content`, which tells an `EventSource` to stop reconnecting.
//! Unknown turns and other users' turns look the same. Without a signed-in user: 401.

use crate::codec::{encode_item, STORED_EVENT_ID};
use crate::ids::{MessageId, TurnId};
use crate::server::auth::request_identity::RequestIdentity;
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::server::turn::resume::{resume, ResumeRequest};
use axum::body::Body;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;
use std::time::Duration;

/// The route's path, as registered in the route table.
pub const PATH: &str = "/api/turns/{turn_id}/events";

/// Whether `path` is this route (answered as plain HTTP, not as a server function).
pub fn is_events_path(path: &str) -> bool {
    path.strip_prefix("/api/turns/")
        .and_then(|rest| rest.strip_suffix("/events"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// The query string.
#[derive(Debug, Default, Deserialize)]
pub struct EventsQuery {
    /// Resume after this sequence number (the `Last-Event-ID` header wins when both are sent).
    after: Option<u64>,
    /// The stored answer the turn writes, to get it from the database once the turn ended.
    answer_id: Option<MessageId>,
}

/// Streams turn `turn_id` after the reader's last event.
pub async fn turn_events(
    State(state): State<AppState>,
    Extension(identity): Extension<RequestIdentity>,
    Path(turn_id): Path<TurnId>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let user = identity.require_user()?;
    let last_event_id = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .map(str::trim)
                .map_err(|_| bad_last_event_id())?,
        ),
        None => None,
    };
    let after = match last_event_id {
        Some(STORED_EVENT_ID) => return Ok(StatusCode::NO_CONTENT.into_response()),
        Some("") => 0,
        Some(id) => id.parse::<u64>().map_err(|_| bad_last_event_id())?,
        None => query.after.unwrap_or(0),
    };
    let names_answer = query.answer_id.is_some();
    let request = ResumeRequest {
        turn_id: Some(turn_id),
        answer_id: query.answer_id,
        after,
        merge: Duration::ZERO,
    };
    let items = match resume(&state, user, request).await {
        Ok(items) => items,
        // An ended turn and no answer named: nothing more will come.
        Err(AppError::NotFound(_)) if !names_answer => {
            return Ok(StatusCode::NO_CONTENT.into_response())
        }
        Err(error) => return Err(error),
    };
    let frames = items.map(|item| Ok::<_, std::convert::Infallible>(encode_item(&item)));
    // `fuse` so nothing polls the stream after it ended (tower-http #732).
    let body = Body::from_stream(frames.fuse());
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        )],
        body,
    )
        .into_response())
}

/// The refusal of a `Last-Event-ID` that is not one of ours.
fn bad_last_event_id() -> AppError {
    AppError::BadRequest(
        "Last-Event-ID must be a sequence number sent by this endpoint.".to_string(),
    )
}
