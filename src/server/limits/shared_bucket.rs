//! The per-minute token bucket of [`rate_limiter`](super::rate_limiter) kept in Redis
//! (`[cluster] redis_url`), so every replica draws from the same buckets: N replicas admit
//! what one would. One Lua script per check reads, refills, takes and writes the bucket
//! atomically, with the same capacity, refill and wait as the in-process bucket, on the Redis
//! server's clock (`TIME`), so replicas whose clocks differ still agree. A bucket is the hash
//! `{prefix}:limit:{name}:{key}` (tokens `t`, last update `u` in microseconds) expiring after
//! a minute idle — when it would be full again anyway — so idle keys vanish.
//!
//! Redis away: a check fails within [`CHECK_TIMEOUT`] with [`Unreachable`] and the caller
//! decides (see `Limits`); one warning per minute says so in the log, not one per request.
//!
//! [`SharedLimits`] is also the connection (and the timeout and warning) of the other limits
//! kept in Redis: the sign-in back-offs (`auth::shared_throttle`) and the stream slots
//! (`shared_slots`), through [`SharedLimits::invoke`] and [`SharedLimits::query`].

use crate::server::redis_link::RedisLink;
use std::sync::Arc;
use std::time::Duration;

/// The bucket: `KEYS[1]` the hash, `ARGV[1]` capacity (= refill per window), `ARGV[2]` the
/// window in microseconds. Returns 0 when a token was taken, else the microseconds until one
/// is available (at least 1). Numbers are written with `string.format` because Redis turns a
/// Lua number into text with 14 significant digits only (a microsecond clock has 16).
const SCRIPT: &str = r"
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = capacity
  updated = now
end
local elapsed = math.max(0, now - updated)
tokens = math.min(capacity, tokens + elapsed * capacity / window)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) * window / capacity))
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'u', string.format('%.0f', now))
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil(window / 1000)))
return wait
";

/// A refill takes this long, as in the in-process bucket; idle keys expire after it.
const WINDOW: Duration = Duration::from_secs(60);

/// The longest a check waits for Redis (connecting included) before it counts as away: a
/// request must not hang on a lost Redis.
pub const CHECK_TIMEOUT: Duration = Duration::from_millis(500);

pub use crate::server::redis_link::Unreachable;

/// The connection every shared bucket of a process uses; cheap to clone.
#[derive(Clone)]
pub struct SharedLimits {
    /// The connection, with [`CHECK_TIMEOUT`] and the once-a-minute warning.
    link: RedisLink,
    /// The first part of every key (`[cluster] key_prefix`).
    prefix: Arc<str>,
    /// The bucket script (sent by hash, loaded on first use).
    script: Arc<redis::Script>,
}

/// Shows the prefix only: the connection holds the URL, which may hold a password.
impl std::fmt::Debug for SharedLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedLimits")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl SharedLimits {
    /// Prepares the connection to `url` without connecting (the first check connects), so a
    /// Redis that is away at start-up delays nothing. Needs a Tokio runtime.
    pub fn new(url: &str, prefix: &str) -> Self {
        Self {
            link: RedisLink::open(url, CHECK_TIMEOUT, "shared limits cannot be checked"),
            prefix: Arc::from(prefix),
            script: Arc::new(redis::Script::new(SCRIPT)),
        }
    }

    /// A bucket of `per_minute` tokens per key named `name` in the keys.
    pub fn bucket(&self, name: &'static str, per_minute: u32) -> SharedBucket {
        SharedBucket {
            limits: self.clone(),
            name,
            per_minute,
        }
    }

    /// The Redis key `{prefix}:{rest}`.
    pub fn key(&self, rest: &str) -> String {
        format!("{}:{rest}", self.prefix)
    }

    /// Runs a prepared script (for the limit `what`, named in the warning), or fails with
    /// [`Unreachable`] within [`CHECK_TIMEOUT`] (warning once a minute).
    pub async fn invoke<T: redis::FromRedisValue>(
        &self,
        what: &str,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, Unreachable> {
        self.link.invoke(what, invocation).await
    }

    /// Runs one command, like [`Self::invoke`].
    pub async fn query<T: redis::FromRedisValue>(
        &self,
        what: &str,
        command: &redis::Cmd,
    ) -> Result<T, Unreachable> {
        self.link.run(what, command).await
    }
}

/// One per-minute limit kept in Redis.
#[derive(Clone, Debug)]
pub struct SharedBucket {
    /// The connection and key prefix.
    limits: SharedLimits,
    /// The limit's part of the key (`messages`, `ip_requests`, …).
    name: &'static str,
    /// Bucket size and refill per minute (never 0: an unlimited limit needs no Redis).
    per_minute: u32,
}

impl SharedBucket {
    /// Takes one token for `key`: `Ok(Ok(()))`, or `Ok(Err(wait))` until one is available,
    /// or `Err(Unreachable)` when Redis did not answer within [`CHECK_TIMEOUT`].
    pub async fn check(&self, key: &str) -> Result<Result<(), Duration>, Unreachable> {
        let redis_key = self.limits.key(&format!("limit:{}:{key}", self.name));
        let window_us = u64::try_from(WINDOW.as_micros()).unwrap_or(60_000_000);
        let mut invocation = self.limits.script.key(redis_key);
        invocation.arg(self.per_minute).arg(window_us);
        match self.limits.invoke::<u64>(self.name, &invocation).await? {
            0 => Ok(Ok(())),
            wait_us => Ok(Err(Duration::from_micros(wait_us))),
        }
    }
}
