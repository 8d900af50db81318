//! Counts the answers each user has streaming, to cap them. A [`StreamSlot`] is taken before
//! a turn starts and lives in the turn's driver, so it is released however the turn ends:
//! `done`, an error, Stop, or its readers gone for the grace period. An answer without readers
//! keeps its slot on purpose: it still streams from the provider, and freeing the slot would let
//! a client that drops its connections run any number of upstream requests at once; a reload
//! that resumes it takes no new slot, so it is never refused.
//! Users with no live stream have no entry, so the map never outgrows the live streams.

use crate::store::UserId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Live streams per user.
#[derive(Clone, Debug, Default)]
pub struct StreamSlots {
    /// Most streams one user may have at once; 0: unlimited.
    max: u32,
    /// Live streams per user with at least one.
    live: Arc<Mutex<HashMap<UserId, u32>>>,
}

/// One live stream of a user; dropping it frees the slot.
#[derive(Debug)]
pub struct StreamSlot {
    /// The counts to decrement on drop.
    live: Arc<Mutex<HashMap<UserId, u32>>>,
    /// Whose stream this is.
    user: UserId,
}

impl StreamSlots {
    /// Slots allowing `max` live streams per user (0: unlimited).
    pub fn new(max: u32) -> Self {
        Self {
            max,
            live: Arc::default(),
        }
    }

    /// Takes a slot for `user`, or `None` when they already have the maximum.
    pub fn try_acquire(&self, user: UserId) -> Option<StreamSlot> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let count = live.entry(user).or_insert(0);
        if self.max > 0 && *count >= self.max {
            if *count == 0 {
                live.remove(&user);
            }
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            live: self.live.clone(),
            user,
        })
    }

    /// Streams `user` has live now.
    pub fn live(&self, user: UserId) -> u32 {
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.get(&user).copied().unwrap_or(0)
    }

    /// The per-user maximum (0: unlimited).
    pub fn max(&self) -> u32 {
        self.max
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = live.get_mut(&self.user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                live.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_live_streams_per_user_and_frees_on_drop() {
        let slots = StreamSlots::new(2);
        let (alice, bob) = (UserId(1), UserId(2));
        let first = slots.try_acquire(alice).expect("first");
        let _second = slots.try_acquire(alice).expect("second");
        assert!(slots.try_acquire(alice).is_none(), "third refused");
        assert!(slots.try_acquire(bob).is_some(), "other users unaffected");
        drop(first);
        assert_eq!(slots.live(alice), 1);
        assert!(slots.try_acquire(alice).is_some(), "freed slot reused");
    }

    #[test]
    fn users_without_streams_leave_no_entry() {
        let slots = StreamSlots::new(1);
        drop(slots.try_acquire(UserId(7)));
        assert!(slots.live.lock().expect("lock").is_empty());
    }
}
