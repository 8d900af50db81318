//! The stream slots of [`stream_slots`](super::stream_slots) kept in Redis
//! (`[cluster] redis_url`), so a user's live answers are counted across replicas. A user's
//! slots are the sorted set `{prefix}:streams:{user}`: one member per live answer (a random
//! token), scored by when it expires (milliseconds, Redis `TIME`). Taking a slot is one Lua
//! script (drop the expired members, refuse at the maximum, add); the slot renews its expiry
//! every [`RENEW_EVERY`] from a small task while it lives, and removes its member when dropped.
//! A replica killed without a chance to clean up (kill -9, machine loss) stops renewing, so its
//! slots expire within [`LEASE`] and the user gets them back. The set itself expires with its
//! last member.
//!
//! Redis away: taking a slot fails with [`Unreachable`] (the caller refuses the answer); a
//! slot already taken keeps its answer going and its renewals are retried (a slot lost while
//! Redis was away for longer than the lease is added back at the next renewal).

use crate::server::limits::shared_bucket::{SharedLimits, Unreachable};
use crate::store::UserId;
use std::sync::Arc;
use std::time::Duration;

/// How long a slot counts without a renewal: a dead replica's slots are free after this.
pub const LEASE: Duration = Duration::from_secs(30);

/// How often a live slot renews its lease (a third of it: two renewals may fail in a row).
pub const RENEW_EVERY: Duration = Duration::from_secs(10);

/// Take a slot: `KEYS[1]` the user's set, `ARGV[1]` the maximum, `ARGV[2]` the new member,
/// `ARGV[3]` the lease in milliseconds. Returns 1 when the member was added, 0 when the user
/// already has the maximum of unexpired members.
const ACQUIRE: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[3])), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
";

/// Renew a slot: `KEYS[1]` the set, `ARGV[1]` the member, `ARGV[2]` the lease in
/// milliseconds; the member expires a lease from now (added back if it was lost), and so does
/// the set (no member expires later).
const RENEW: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[2])), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
";

/// Count the live slots: `KEYS[1]` the set; its members not yet expired.
const COUNT: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%.0f', now), '+inf')
";

/// The name the shared limits' warnings give these slots.
const NAME: &str = "streams";

/// Every user's slots in Redis; cheap to clone.
#[derive(Clone, Debug)]
pub struct SharedSlots {
    /// The connection, key prefix and outage warning shared with the other limits.
    limits: SharedLimits,
    /// How long a slot counts without renewal ([`LEASE`]; shorter in tests).
    lease: Duration,
    /// How often a live slot renews ([`RENEW_EVERY`]; shorter in tests).
    renew_every: Duration,
    /// [`ACQUIRE`], sent by hash.
    acquire: Arc<redis::Script>,
    /// [`RENEW`], sent by hash.
    renew: Arc<redis::Script>,
    /// [`COUNT`], sent by hash.
    count: Arc<redis::Script>,
}

/// One live answer's slot in Redis: renewed while it lives, removed when dropped.
#[derive(Debug)]
pub struct SharedSlot {
    /// The connection to remove the member with.
    limits: SharedLimits,
    /// The user's set.
    key: String,
    /// This slot's member.
    token: String,
    /// The renewal task, stopped on drop.
    renewal: tokio::task::AbortHandle,
}

impl SharedSlots {
    /// Slots in `limits`' Redis with the standard lease.
    pub fn new(limits: &SharedLimits) -> Self {
        Self {
            limits: limits.clone(),
            lease: LEASE,
            renew_every: RENEW_EVERY,
            acquire: Arc::new(redis::Script::new(ACQUIRE)),
            renew: Arc::new(redis::Script::new(RENEW)),
            count: Arc::new(redis::Script::new(COUNT)),
        }
    }

    /// These slots with another lease and renewal period (tests; `renew_every` < `lease`).
    pub fn with_lease(mut self, lease: Duration, renew_every: Duration) -> Self {
        self.lease = lease;
        self.renew_every = renew_every;
        self
    }

    /// The set of `user`'s slots.
    fn key(&self, user: UserId) -> String {
        self.limits.key(&format!("{NAME}:{}", user.0))
    }

    /// Takes a slot for `user` (`Ok(None)` when they have `max` live ones already), its
    /// renewal running until it is dropped. Needs a Tokio runtime.
    pub async fn try_acquire(
        &self,
        user: UserId,
        max: u32,
    ) -> Result<Option<SharedSlot>, Unreachable> {
        let key = self.key(user);
        let token = uuid::Uuid::new_v4().simple().to_string();
        let mut invocation = self.acquire.key(&key);
        invocation.arg(max).arg(&token).arg(millis(self.lease));
        if self.limits.invoke::<i64>(NAME, &invocation).await? == 0 {
            return Ok(None);
        }
        let renewal = tokio::spawn(renew(self.clone(), key.clone(), token.clone()));
        Ok(Some(SharedSlot {
            limits: self.limits.clone(),
            key,
            token,
            renewal: renewal.abort_handle(),
        }))
    }

    /// The slots `user` has live on every replica.
    pub async fn live(&self, user: UserId) -> Result<u32, Unreachable> {
        let invocation = self.count.key(self.key(user));
        self.limits.invoke(NAME, &invocation).await
    }
}

/// Renews the member `token` of `key` every `slots.renew_every` until aborted; a failed
/// renewal is warned about (once a minute) and retried at the next.
async fn renew(slots: SharedSlots, key: String, token: String) {
    let mut every = tokio::time::interval(slots.renew_every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    every.tick().await; // The first tick is now: the slot was just taken.
    loop {
        every.tick().await;
        let mut invocation = slots.renew.key(&key);
        invocation.arg(&token).arg(millis(slots.lease));
        let _ = slots.limits.invoke::<i64>(NAME, &invocation).await;
    }
}

impl Drop for SharedSlot {
    /// Stops the renewal and removes the member in a spawned task (a drop cannot wait); with
    /// no runtime left (shutdown) or Redis away, the member expires within the lease instead.
    fn drop(&mut self) {
        self.renewal.abort();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let limits = self.limits.clone();
        let mut command = redis::cmd("ZREM");
        command.arg(&self.key).arg(&self.token);
        runtime.spawn(async move {
            let _ = limits.query::<i64>(NAME, &command).await;
        });
    }
}

/// `duration` in whole milliseconds (at least 1).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
