//! Counts the answers each user has streaming, to cap them. A [`StreamSlot`] is taken before
//! a turn starts and lives in the turn's driver, so it is released however the turn ends:
//! `done`, an error, Stop, or its readers gone for the grace period. An answer without readers
//! keeps its slot on purpose: it still streams from the provider, and freeing the slot would let
//! a client that drops its connections run any number of upstream requests at once; a reload
//! that resumes it takes no new slot, so it is never refused.
//! Users with no live stream have no entry, so the map never outgrows the live streams.
//!
//! With `[cluster] redis_url` (and a maximum) the slots are in Redis instead
//! ([`shared_slots`](super::shared_slots): a set per user, each slot renewed while it lives),
//! so a user's answers on every replica count; Redis away, no slot can be taken
//! ([`Unreachable`]: the caller refuses the answer).

use crate::server::limits::shared_bucket::Unreachable;
use crate::server::limits::shared_slots::{SharedSlot, SharedSlots};
use crate::store::UserId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Live streams per user.
#[derive(Clone, Debug, Default)]
pub struct StreamSlots {
    /// Most streams one user may have at once; 0: unlimited.
    max: u32,
    /// Live streams per user with at least one (the slots in this process).
    live: Arc<Mutex<HashMap<UserId, u32>>>,
    /// The slots in Redis, shared by replicas, when configured (and `max` is not 0).
    shared: Option<SharedSlots>,
}

/// One live stream of a user; dropping it frees the slot.
pub struct StreamSlot {
    /// Where the slot is held.
    held: Held,
}

/// Where a [`StreamSlot`] is held.
enum Held {
    /// In this process's counts.
    Local(LocalSlot),
    /// In Redis (renewed, removed on drop by itself).
    Shared(SharedSlot),
}

/// A slot in this process's counts, decremented on drop.
#[derive(Debug)]
struct LocalSlot {
    /// The counts to decrement on drop.
    live: Arc<Mutex<HashMap<UserId, u32>>>,
    /// Whose stream this is.
    user: UserId,
}

/// Whose slot it is, and where.
impl std::fmt::Debug for StreamSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.held {
            Held::Local(slot) => f.debug_tuple("StreamSlot").field(&slot.user).finish(),
            Held::Shared(slot) => f.debug_tuple("StreamSlot").field(slot).finish(),
        }
    }
}

impl StreamSlots {
    /// Slots allowing `max` live streams per user (0: unlimited), in this process.
    pub fn new(max: u32) -> Self {
        Self {
            max,
            live: Arc::default(),
            shared: None,
        }
    }

    /// These slots kept in `shared` (when given and limited), counted across replicas.
    pub fn in_redis(mut self, shared: Option<SharedSlots>) -> Self {
        self.shared = shared.filter(|_| self.max > 0);
        self
    }

    /// Takes a slot for `user`, or `Ok(None)` when they already have the maximum;
    /// `Err` only when the slots are in Redis and it did not answer.
    pub async fn try_acquire(&self, user: UserId) -> Result<Option<StreamSlot>, Unreachable> {
        match &self.shared {
            Some(shared) => Ok(shared
                .try_acquire(user, self.max)
                .await?
                .map(|slot| StreamSlot {
                    held: Held::Shared(slot),
                })),
            None => Ok(self.try_acquire_local(user)),
        }
    }

    /// Takes a slot in this process's counts.
    fn try_acquire_local(&self, user: UserId) -> Option<StreamSlot> {
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
            held: Held::Local(LocalSlot {
                live: self.live.clone(),
                user,
            }),
        })
    }

    /// Streams `user` has live now (on every replica when the slots are in Redis; `Err`
    /// when it did not answer).
    pub async fn live(&self, user: UserId) -> Result<u32, Unreachable> {
        if let Some(shared) = &self.shared {
            return shared.live(user).await;
        }
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        Ok(live.get(&user).copied().unwrap_or(0))
    }

    /// The per-user maximum (0: unlimited).
    pub fn max(&self) -> u32 {
        self.max
    }
}

impl Drop for LocalSlot {
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
    use crate::server::limits::shared_bucket::SharedLimits;

    /// Takes a slot in this process (these slots have no Redis: never `Err`).
    async fn take(slots: &StreamSlots, user: UserId) -> Option<StreamSlot> {
        slots.try_acquire(user).await.expect("in-process slots")
    }

    #[tokio::test]
    async fn caps_live_streams_per_user_and_frees_on_drop() {
        let slots = StreamSlots::new(2);
        let (alice, bob) = (UserId(1), UserId(2));
        let first = take(&slots, alice).await.expect("first");
        let _second = take(&slots, alice).await.expect("second");
        assert!(take(&slots, alice).await.is_none(), "third refused");
        assert!(take(&slots, bob).await.is_some(), "other users unaffected");
        drop(first);
        assert_eq!(slots.live(alice).await.expect("counted"), 1);
        assert!(take(&slots, alice).await.is_some(), "freed slot reused");
    }

    #[tokio::test]
    async fn users_without_streams_leave_no_entry() {
        let slots = StreamSlots::new(1);
        drop(take(&slots, UserId(7)).await);
        assert!(slots.live.lock().expect("lock").is_empty());
    }

    #[tokio::test]
    async fn with_redis_away_no_slot_is_taken() {
        let away = SharedLimits::new("redis://127.0.0.1:1", "unused");
        let slots = StreamSlots::new(2).in_redis(Some(SharedSlots::new(&away)));
        assert!(slots.try_acquire(UserId(3)).await.is_err());
        assert!(slots.live(UserId(3)).await.is_err());
    }

    #[tokio::test]
    async fn unlimited_slots_never_ask_redis() {
        let shared = SharedLimits::new("redis://127.0.0.1:1", "unused");
        let slots = StreamSlots::new(0).in_redis(Some(SharedSlots::new(&shared)));
        assert!(take(&slots, UserId(3)).await.is_some());
    }
}
