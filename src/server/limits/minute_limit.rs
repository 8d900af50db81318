//! One per-minute limit, wherever its buckets live: in this process
//! ([`RateLimiter`], the embedded default) or in Redis ([`SharedBucket`], with
//! `[cluster] redis_url`), so `Limits` asks the same question either way.

use crate::server::limits::rate_limiter::RateLimiter;
use crate::server::limits::shared_bucket::{SharedBucket, SharedLimits, Unreachable};
use crate::store::UserId;
use std::hash::Hash;
use std::net::IpAddr;
use std::time::Duration;

/// What a limit counts by, and how it is written in a Redis key.
pub trait LimitKey: Eq + Hash + Clone {
    /// The key's text in a Redis key (no `:`-ambiguity matters: the name comes first).
    fn key_text(&self) -> String;
}

impl LimitKey for UserId {
    fn key_text(&self) -> String {
        self.0.to_string()
    }
}

impl LimitKey for IpAddr {
    fn key_text(&self) -> String {
        self.to_string()
    }
}

/// A per-minute limit.
#[derive(Debug)]
pub enum MinuteLimit<K> {
    /// Buckets in this process's memory: each replica counts alone.
    Local(RateLimiter<K>),
    /// Buckets in Redis, shared by every replica.
    Shared(SharedBucket),
}

impl<K: LimitKey> MinuteLimit<K> {
    /// `per_minute` per key (0: unlimited, never asks Redis), in Redis when `shared` is given
    /// (keys named `name`), else in this process.
    pub fn new(per_minute: u32, shared: Option<&SharedLimits>, name: &'static str) -> Self {
        match shared {
            Some(shared) if per_minute > 0 => Self::Shared(shared.bucket(name, per_minute)),
            _ => Self::Local(RateLimiter::new(per_minute)),
        }
    }

    /// Takes one token for `key`, or says how long until one is available; `Err` only when
    /// the buckets are in Redis and it did not answer.
    pub async fn check(&self, key: &K) -> Result<Result<(), Duration>, Unreachable> {
        match self {
            Self::Local(limiter) => Ok(limiter.check(key)),
            Self::Shared(bucket) => bucket.check(&key.key_text()).await,
        }
    }
}
