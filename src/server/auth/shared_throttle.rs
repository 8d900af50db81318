//! The failure counts of a [`SignInThrottle`](super::sign_in_throttle::SignInThrottle) kept
//! in Redis (`[cluster] redis_url`), so a guesser spreading attempts over N replicas is slowed
//! as one replica would slow him. Each counted key (an account, an IP) is the hash
//! `{prefix}:throttle:{name}:account:{sha256 hex}` or `{prefix}:throttle:{name}:ip:{ip}` with
//! the failure count `n` and the last failure's time `l` (microseconds, Redis `TIME`, so
//! replicas whose clocks differ agree), expiring [`FORGET_AFTER`] after the last failure.
//! Account names never reach Redis, only their hash.
//!
//! [`SharedThrottle::begin`] is one Lua script: it computes the back-off of every key of the
//! attempt and, when none is running, counts the failure on all of them, so parallel guesses
//! on different replicas cannot slip in between a check and a count.
//! [`SharedThrottle::settle`] (a success or a cancelled attempt) is another.
//!
//! Redis away: both fail with [`Unreachable`] within the shared limits' timeout; the caller
//! falls back to its in-process counts (see `sign_in_throttle`).

use crate::server::limits::shared_bucket::{SharedLimits, Unreachable};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use super::throttle_rules::{AccountKey, BASE_BACKOFF, FORGET_AFTER, MAX_BACKOFF};

/// The check and count: `KEYS` the counted hashes; `ARGV[1]` the free attempts, `ARGV[2]` the
/// first back-off and `ARGV[3]` the longest (microseconds), `ARGV[4]` how long a key lives
/// after its last failure (milliseconds). The back-off is the one of `backoff_after`: after
/// `free` failures, `first × 2^(failures − free)` up to the longest, from the last failure.
/// Returns 0 when the failure was counted on every key, else the microseconds to wait (≥ 1).
const BEGIN: &str = r"
local free = tonumber(ARGV[1])
local first = tonumber(ARGV[2])
local longest = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local wait = 0
for _, key in ipairs(KEYS) do
  local state = redis.call('HMGET', key, 'n', 'l')
  local count = tonumber(state[1])
  local last = tonumber(state[2])
  if count ~= nil and last ~= nil and count >= free then
    local backoff = math.min(longest, first * 2 ^ math.min(count - free, 60))
    wait = math.max(wait, last + backoff - now)
  end
end
if wait > 0 then
  return math.max(1, math.ceil(wait))
end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'n', 1)
  redis.call('HSET', key, 'l', string.format('%.0f', now))
  redis.call('PEXPIRE', key, ARGV[4])
end
return 0
";

/// The correction after an attempt: `KEYS` the hashes, `ARGV[i]` what to do with `KEYS[i]`:
/// `forget` deletes it (the account after a success), anything else takes one failure back
/// (deleting the key at none, never going below). The last failure's time stays.
const SETTLE: &str = r"
for i, key in ipairs(KEYS) do
  if ARGV[i] == 'forget' then
    redis.call('DEL', key)
  else
    local count = tonumber(redis.call('HGET', key, 'n'))
    if count ~= nil then
      if count <= 1 then
        redis.call('DEL', key)
      else
        redis.call('HINCRBY', key, 'n', -1)
      end
    end
  end
end
return 0
";

/// What [`SharedThrottle::settle`] does with one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// Deletes the key's count (a success forgets the account's failures).
    Forget,
    /// Takes one failure back (the attempt was a success for an IP, or never judged).
    TakeBack,
}

/// One throttle's counts in Redis; cheap to clone.
#[derive(Clone, Debug)]
pub struct SharedThrottle {
    /// The connection, key prefix and outage warning shared with the other limits.
    limits: SharedLimits,
    /// The throttle's part of the keys (`sign_in`, `sign_up`, `password_change`), so the
    /// three throttles never count each other's failures.
    name: &'static str,
    /// [`BEGIN`], sent by hash.
    begin: Arc<redis::Script>,
    /// [`SETTLE`], sent by hash.
    settle: Arc<redis::Script>,
}

/// A key the attempt is counted under, in Redis's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedKey(String);

impl SharedThrottle {
    /// The counts of the throttle `name` in `limits`' Redis.
    pub fn new(limits: &SharedLimits, name: &'static str) -> Self {
        Self {
            limits: limits.clone(),
            name,
            begin: Arc::new(redis::Script::new(BEGIN)),
            settle: Arc::new(redis::Script::new(SETTLE)),
        }
    }

    /// The key of an account (by its hash: no name reaches Redis).
    pub fn account_key(&self, account: &AccountKey) -> SharedKey {
        let hex: String = account.iter().map(|byte| format!("{byte:02x}")).collect();
        SharedKey(
            self.limits
                .key(&format!("throttle:{}:account:{hex}", self.name)),
        )
    }

    /// The key of a client IP (already reduced by `rate_limiter::limit_key`).
    pub fn ip_key(&self, ip: IpAddr) -> SharedKey {
        SharedKey(self.limits.key(&format!("throttle:{}:ip:{ip}", self.name)))
    }

    /// Refuses the attempt with the wait while a back-off runs for one of `keys` (`Ok(Some)`),
    /// else counts it as a failure on all of them (`Ok(None)`); one atomic script.
    pub async fn begin(
        &self,
        keys: &[SharedKey],
        free_attempts: u32,
    ) -> Result<Option<Duration>, Unreachable> {
        let mut invocation = self.begin.prepare_invoke();
        for key in keys {
            invocation.key(&key.0);
        }
        invocation
            .arg(free_attempts)
            .arg(micros(BASE_BACKOFF))
            .arg(micros(MAX_BACKOFF))
            .arg(micros(FORGET_AFTER) / 1000);
        let wait_us: u64 = self.limits.invoke(self.name, &invocation).await?;
        Ok((wait_us > 0).then(|| Duration::from_micros(wait_us)))
    }

    /// Corrects the counts of `keys` after an attempt; one atomic script.
    pub async fn settle(&self, keys: &[(SharedKey, Settle)]) -> Result<(), Unreachable> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut invocation = self.settle.prepare_invoke();
        for (key, settle) in keys {
            let action = match settle {
                Settle::Forget => "forget",
                Settle::TakeBack => "take_back",
            };
            invocation.key(&key.0).arg(action);
        }
        self.limits.invoke::<i64>(self.name, &invocation).await?;
        Ok(())
    }
}

/// `duration` in whole microseconds (saturating).
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}
