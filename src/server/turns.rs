//! The registry of live turns (answers being generated), so that the stop server function can
//! cancel a turn started by another request. An entry lives exactly as long as the stream that
//! drives the turn: the [`TurnRegistration`] guard removes it on drop, so the map never grows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio_util::sync::CancellationToken;

/// Live turns by id.
#[derive(Clone, Default)]
pub struct TurnRegistry {
    /// Cancel handles of live turns; shared by every request handler.
    live: Arc<Mutex<HashMap<String, CancellationToken>>>,
}

/// Keeps a turn registered; unregisters it when dropped.
pub struct TurnRegistration {
    /// The registry to remove the entry from.
    registry: TurnRegistry,
    /// The turn's id.
    turn_id: String,
    /// Fires when someone asks this turn to stop.
    token: CancellationToken,
}

impl TurnRegistration {
    /// The token the turn driver waits on.
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

impl Drop for TurnRegistration {
    fn drop(&mut self) {
        let mut live = self
            .registry
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        live.remove(&self.turn_id);
    }
}

impl TurnRegistry {
    /// Registers a new turn.
    pub fn register(&self, turn_id: &str) -> TurnRegistration {
        let token = CancellationToken::new();
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.insert(turn_id.to_string(), token.clone());
        TurnRegistration {
            registry: self.clone(),
            turn_id: turn_id.to_string(),
            token,
        }
    }

    /// Asks a live turn to stop; false when no such turn is live.
    pub fn cancel(&self, turn_id: &str) -> bool {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        match live.get(turn_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Stops every live turn (used at shutdown).
    pub fn cancel_all(&self) {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.values().for_each(CancellationToken::cancel);
    }

    /// How many turns are live.
    pub fn live_count(&self) -> usize {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}
