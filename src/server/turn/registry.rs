//! The registry of live turns (answers being generated). A turn belongs to the registry, not
//! to the request that started it: any request of its owner can read it (resume after a
//! reload, a second tab, a reconnect) or stop it. The task driving a turn removes it when the
//! turn ends, so the registry holds only live turns; finished answers are read from the
//! database.
//!
//! A stored answer's turn id starts with the answer's id ([`answer_of_turn`]), so a reader
//! that names only the turn still finds the stored answer once the turn has ended.
//!
//! At shutdown the registry refuses new turns, waits for live ones up to a deadline, then
//! cancels the rest (they are stored as `interrupted`).

use crate::ids::{MessageId, TurnId};
use crate::server::turn::live::{CancelReason, LiveTurn};
use crate::store::UserId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// Live turns by id; cheap to clone (shared by every request handler).
#[derive(Clone)]
pub struct TurnRegistry {
    /// The turns and the index by answer.
    inner: Arc<Mutex<Registry>>,
    /// How many turns are live, watched by shutdown.
    count: Arc<watch::Sender<usize>>,
}

/// The registry's contents.
#[derive(Default)]
struct Registry {
    /// Live turns by turn id.
    turns: HashMap<TurnId, Arc<LiveTurn>>,
    /// Turn id by stored answer id, so a page that loads a streaming answer finds its turn.
    by_answer: HashMap<MessageId, TurnId>,
    /// True once shutdown began: no new turns.
    closing: bool,
}

/// Why a turn could not be started.
#[derive(Debug, PartialEq, Eq)]
pub enum RegisterError {
    /// The server is shutting down.
    ShuttingDown,
    /// The answer already has a live turn (two Continues of one answer at once).
    AnswerBusy,
}

impl Default for TurnRegistry {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            count: Arc::new(watch::Sender::new(0)),
        }
    }
}

impl TurnRegistry {
    /// The registry, even if a panicking holder poisoned the lock (every change is one insert
    /// or remove, so it stays consistent).
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a new turn of `owner` writing `answer_id` (if stored).
    pub fn register(
        &self,
        owner: UserId,
        answer_id: Option<MessageId>,
    ) -> Result<Arc<LiveTurn>, RegisterError> {
        let mut registry = self.lock();
        if registry.closing {
            return Err(RegisterError::ShuttingDown);
        }
        if let Some(answer) = &answer_id {
            if registry.by_answer.contains_key(answer) {
                return Err(RegisterError::AnswerBusy);
            }
        }
        let id = TurnId::from(new_turn_id(answer_id.as_deref()));
        let turn = Arc::new(LiveTurn::new(id.clone(), owner, answer_id.clone()));
        if let Some(answer) = answer_id {
            registry.by_answer.insert(answer, id.clone());
        }
        registry.turns.insert(id, Arc::clone(&turn));
        self.count.send_replace(registry.turns.len());
        Ok(turn)
    }

    /// Forgets a turn that ended (called by its task).
    pub fn remove(&self, turn_id: &TurnId) {
        let mut registry = self.lock();
        if let Some(turn) = registry.turns.remove(turn_id) {
            if let Some(answer) = &turn.answer_id {
                registry.by_answer.remove(answer);
            }
        }
        self.count.send_replace(registry.turns.len());
    }

    /// `owner`'s live turn `turn_id` (another user's turn is treated as unknown).
    pub fn find(&self, turn_id: &TurnId, owner: UserId) -> Option<Arc<LiveTurn>> {
        self.lock()
            .turns
            .get(turn_id)
            .filter(|turn| turn.owner == owner)
            .cloned()
    }

    /// Whether turn `turn_id` is live here (whoever's it is).
    pub fn contains(&self, turn_id: &TurnId) -> bool {
        self.lock().turns.contains_key(turn_id)
    }

    /// `owner`'s live turn writing the stored answer `answer_id`.
    pub fn find_by_answer(&self, answer_id: &MessageId, owner: UserId) -> Option<Arc<LiveTurn>> {
        let registry = self.lock();
        registry
            .by_answer
            .get(answer_id)
            .and_then(|turn_id| registry.turns.get(turn_id))
            .filter(|turn| turn.owner == owner)
            .cloned()
    }

    /// Stops `owner`'s live turn; false when no such turn of theirs is live.
    pub fn cancel(&self, turn_id: &TurnId, owner: UserId) -> bool {
        match self.find(turn_id, owner) {
            Some(turn) => {
                turn.cancel(CancelReason::Stop);
                true
            }
            None => false,
        }
    }

    /// True once shutdown began.
    pub fn is_closing(&self) -> bool {
        self.lock().closing
    }

    /// How many turns are live.
    pub fn live_count(&self) -> usize {
        self.lock().turns.len()
    }

    /// Readers attached to live turns now (the metrics' gauge).
    pub fn reader_count(&self) -> usize {
        self.lock().turns.values().map(|t| t.reader_count()).sum()
    }

    /// Bytes held by the logs of live turns, roughly (for the load benchmark).
    pub fn log_bytes(&self) -> usize {
        self.lock().turns.values().map(|t| t.log_bytes()).sum()
    }

    /// Refuses new turns, lets live ones finish for up to `deadline`, then cancels the rest
    /// (stored as `interrupted`) and waits for their tasks to store them (at most `deadline`
    /// again). Returns how many were cancelled.
    pub async fn shut_down(&self, deadline: Duration) -> usize {
        self.lock().closing = true;
        let mut count = self.count.subscribe();
        if tokio::time::timeout(deadline, count.wait_for(|n| *n == 0))
            .await
            .is_ok()
        {
            return 0;
        }
        let remaining: Vec<Arc<LiveTurn>> = self.lock().turns.values().cloned().collect();
        for turn in &remaining {
            turn.cancel(CancelReason::Shutdown);
        }
        let stored = tokio::time::timeout(deadline.max(Duration::from_secs(1)), async {
            let _ = count.wait_for(|n| *n == 0).await;
        })
        .await;
        if stored.is_err() {
            tracing::warn!(
                live_turns = self.live_count(),
                "turns still live after shutdown; they are recovered as interrupted at start-up"
            );
        }
        remaining.len()
    }
}

/// A fresh turn id: a UUID, prefixed for a stored answer by the answer's id and a dot, so
/// that a turn can be traced to its answer after it left the registry (even after a restart).
fn new_turn_id(answer_id: Option<&str>) -> String {
    let random = uuid::Uuid::new_v4();
    match answer_id {
        Some(answer) => format!("{answer}.{}", random.simple()),
        None => random.to_string(),
    }
}

/// The stored answer a turn id names (its part before the dot), `None` for a temporary
/// chat's turn. Only a hint: the store checks the answer's owner like any other id.
pub fn answer_of_turn(turn_id: &str) -> Option<&str> {
    turn_id
        .split_once('.')
        .map(|(answer, _)| answer)
        .filter(|answer| !answer.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_are_found_only_by_their_owner_and_forgotten_when_removed() {
        let registry = TurnRegistry::default();
        let turn = registry
            .register(UserId(1), Some("answer".into()))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(answer_of_turn(&turn.id), Some("answer"));
        assert!(registry.find(&turn.id, UserId(1)).is_some());
        assert!(registry.find(&turn.id, UserId(2)).is_none());
        assert!(registry
            .find_by_answer(&"answer".into(), UserId(1))
            .is_some());
        assert!(registry
            .find_by_answer(&"answer".into(), UserId(2))
            .is_none());
        assert!(!registry.cancel(&turn.id, UserId(2)));
        assert_eq!(
            registry.register(UserId(1), Some("answer".into())).err(),
            Some(RegisterError::AnswerBusy)
        );
        assert!(registry.cancel(&turn.id, UserId(1)));
        assert_eq!(turn.cancel_reason(), Some(CancelReason::Stop));
        registry.remove(&turn.id);
        assert_eq!(registry.live_count(), 0);
        assert!(registry
            .find_by_answer(&"answer".into(), UserId(1))
            .is_none());
        let weak = Arc::downgrade(&turn);
        drop(turn);
        assert!(weak.upgrade().is_none(), "the registry kept the turn alive");
    }

    #[tokio::test]
    async fn shutdown_refuses_new_turns_and_cancels_what_outlives_the_deadline() {
        let registry = TurnRegistry::default();
        let turn = registry
            .register(UserId(1), None)
            .unwrap_or_else(|e| panic!("{e:?}"));
        // Plays the turn's task: ends the turn once it is cancelled.
        let task_registry = registry.clone();
        let task_turn = Arc::clone(&turn);
        tokio::spawn(async move {
            task_turn.cancelled().await;
            task_registry.remove(&task_turn.id);
        });
        let cancelled = registry.shut_down(Duration::from_millis(100)).await;
        assert_eq!(cancelled, 1);
        assert_eq!(turn.cancel_reason(), Some(CancelReason::Shutdown));
        assert_eq!(registry.live_count(), 0);
        assert_eq!(
            registry.register(UserId(1), None).err(),
            Some(RegisterError::ShuttingDown)
        );
    }

    #[tokio::test]
    async fn shutdown_waits_for_turns_that_finish_in_time() {
        let registry = TurnRegistry::default();
        let turn = registry
            .register(UserId(1), None)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let task_registry = registry.clone();
        let id = turn.id.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            task_registry.remove(&id);
        });
        assert_eq!(registry.shut_down(Duration::from_secs(30)).await, 0);
        assert_eq!(turn.cancel_reason(), None);
    }
}
