//! The registry of live turns (answers being generated), so that the stop server function can
//! cancel a turn started by another request. An entry lives exactly as long as the stream that
//! drives the turn: the [`TurnRegistration`] guard removes it on drop, so the map never grows.

use crate::store::UserId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio_util::sync::CancellationToken;

/// Live turns by id.
#[derive(Clone, Default)]
pub struct TurnRegistry {
    /// Owners and cancel handles of live turns; shared by every request handler.
    live: Arc<Mutex<HashMap<String, (UserId, CancellationToken)>>>,
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
    /// Registers a new turn of `owner`.
    pub fn register(&self, turn_id: &str, owner: UserId) -> TurnRegistration {
        let token = CancellationToken::new();
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.insert(turn_id.to_string(), (owner, token.clone()));
        TurnRegistration {
            registry: self.clone(),
            turn_id: turn_id.to_string(),
            token,
        }
    }

    /// Asks `owner`'s live turn to stop; false when no such turn of theirs is live (another
    /// user's turn is treated as unknown).
    pub fn cancel(&self, turn_id: &str, owner: UserId) -> bool {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        match live.get(turn_id) {
            Some((turn_owner, token)) if *turn_owner == owner => {
                token.cancel();
                true
            }
            _ => false,
        }
    }

    /// Stops every live turn (used at shutdown).
    pub fn cancel_all(&self) {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.values().for_each(|(_, token)| token.cancel());
    }

    /// How many turns are live.
    pub fn live_count(&self) -> usize {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}
