//! Reading a turn again: a reloaded page, a second tab or a reconnecting browser asks for
//! "turn T (or the turn writing answer A) after sequence N". A live turn streams its events
//! after N, then follows live; a turn that has ended is answered from the database with one
//! `stored` event holding the finished answer, so the reader ends up with exactly what was
//! stored either way. On a cluster a turn live on another replica is read through this
//! replica's follower copy of it (`server::cluster::follower`), the same way.

use crate::codec::StreamItem;
use crate::events::ChatEvent;
use crate::ids::{MessageId, TurnId};
use crate::server::cluster::{Cluster, Unreachable};
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::server::turn::live::LiveTurn;
use crate::store::UserId;
use futures::stream::BoxStream;
use futures::{stream, StreamExt};
use std::sync::Arc;
use std::time::Duration;

/// What to announce in `Retry-After` when a turn has all the readers it may have: a reader
/// leaving cannot be predicted, so a short, polite pause.
const READER_RETRY_SECS: u64 = 5;

/// The refusal of a turn that is neither live nor traceable to a stored answer of the reader's
/// (a temporary chat's ended turn, an unknown id, another user's turn: all look alike).
pub fn turn_gone() -> AppError {
    AppError::NotFound(
        "This answer is no longer being written (it ended while the connection was down, and a \
         temporary chat keeps no copy)."
            .to_string(),
    )
}

/// The refusal of a resume while Redis, through which other replicas' answers are read,
/// does not answer (the browser tries again).
fn following_away() -> AppError {
    AppError::Unavailable(
        "Answers being written on another server cannot be followed right now; try again in a \
         moment. Nothing was lost."
            .to_string(),
    )
}

/// `user`'s turn named by `request`, live on another replica: this replica's copy of it.
async fn on_another_replica(
    cluster: &Cluster,
    user: UserId,
    request: &ResumeRequest,
) -> Result<Option<Arc<LiveTurn>>, Unreachable> {
    let turn_id = match (&request.turn_id, &request.answer_id) {
        (Some(turn_id), _) => Some(turn_id.clone()),
        (None, Some(answer_id)) => cluster.turn_of_answer(answer_id).await?,
        (None, None) => None,
    };
    let Some(turn_id) = turn_id else {
        return Ok(None);
    };
    let Some(record) = cluster.lookup(&turn_id).await? else {
        return Ok(None);
    };
    if record.user != user || record.owner == cluster.instance() {
        return Ok(None);
    }
    cluster.follow(&turn_id, &record).await.map(Some)
}

/// What a reader names when it resumes.
#[derive(Clone, Debug, Default)]
pub struct ResumeRequest {
    /// The turn, when the reader saw its `started` event.
    pub turn_id: Option<TurnId>,
    /// The stored answer the turn writes, when known (a page that loaded a streaming answer).
    pub answer_id: Option<MessageId>,
    /// The last sequence number the reader applied (0: none, replay from the start).
    pub after: u64,
    /// The reader's minimum gap between frames (zero: every event as it comes; see
    /// [`LiveTurn::subscribe_merged`](crate::server::turn::live::LiveTurn::subscribe_merged)).
    pub merge: Duration,
}

/// The events for `request`, or why there are none: `NotFound` when neither a live turn of
/// `user`'s nor a stored answer of theirs matches, `TooManyRequests` when the live turn has
/// `[server] readers_per_turn` readers already.
pub async fn resume(
    state: &AppState,
    user: UserId,
    request: ResumeRequest,
) -> Result<BoxStream<'static, StreamItem>, AppError> {
    if request.turn_id.is_none() && request.answer_id.is_none() {
        return Err(AppError::BadRequest(
            "Name the turn (`turn_id`) or the answer (`answer_id`) to resume.".to_string(),
        ));
    }
    let local = match (&request.turn_id, &request.answer_id) {
        (Some(turn_id), _) => state.turns.find(turn_id, user),
        (None, Some(answer_id)) => state.turns.find_by_answer(answer_id, user),
        (None, None) => None,
    };
    let live = match (local, &state.cluster) {
        (Some(turn), _) => Some(turn),
        (None, Some(cluster)) => on_another_replica(cluster, user, &request)
            .await
            .map_err(|_| following_away())?,
        (None, None) => None,
    }
    // A turn id that belongs to another answer than the one named is not this reader's turn.
    .filter(|turn| match (&request.answer_id, &turn.answer_id) {
        (Some(named), Some(actual)) => named == actual,
        (Some(_), None) => false,
        (None, _) => true,
    });
    if let Some(turn) = live {
        let max_readers = state.config.server.connections.readers_per_turn;
        let keepalive = state.config.server.keepalive;
        return match turn.try_subscribe_merged(request.after, keepalive, request.merge, max_readers)
        {
            Some(items) => Ok(items.boxed()),
            None => {
                tracing::info!(turn = %turn.id, max_readers, "refused: readers per turn");
                Err(AppError::TooManyRequests {
                    message: format!(
                        "This answer is already being followed by {max_readers} readers, the \
                         most allowed. Close another tab or window showing it and try again."
                    ),
                    retry_after_secs: READER_RETRY_SECS,
                })
            }
        };
    }
    let Some(answer_id) = request.answer_id else {
        return Err(turn_gone());
    };
    let message = state
        .store
        .message(user, &answer_id)
        .await
        .map_err(|error| AppError::from_store(error, "That answer does not exist."))?;
    let item = StreamItem::Event {
        seq: 0,
        event: ChatEvent::Stored {
            message: Box::new(message),
        },
    };
    Ok(stream::iter([item]).boxed())
}
