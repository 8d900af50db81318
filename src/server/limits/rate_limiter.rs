//! A keyed token bucket: each key (a user, an IP) may do `per_minute` things per minute, in
//! bursts of up to `per_minute`, refilling evenly. In memory behind one mutex (the critical
//! section is a hash lookup); nothing sleeps: a refusal says how long to wait instead.
//!
//! Bounded: a bucket left alone for a minute is full again, exactly like a missing one, so
//! such buckets are dropped (at most once a minute, during a check); the map holds only keys
//! seen in the last minute.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A full refill takes this long; idle buckets older than this are dropped.
const WINDOW: Duration = Duration::from_secs(60);

/// Per-key token buckets.
#[derive(Debug)]
pub struct RateLimiter<K> {
    /// Bucket size and refill per minute; 0 turns the limiter off.
    per_minute: u32,
    /// The buckets and when they were last pruned.
    state: Mutex<Buckets<K>>,
}

/// The mutable part of a [`RateLimiter`].
#[derive(Debug)]
struct Buckets<K> {
    /// One bucket per recently active key.
    map: HashMap<K, Bucket>,
    /// Last time idle buckets were dropped, so pruning costs O(keys) once a minute at most.
    last_prune: Option<Instant>,
}

/// One key's bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Tokens left (fractional while refilling).
    tokens: f64,
    /// When `tokens` was last brought up to date.
    updated: Instant,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    /// A limiter allowing `per_minute` per key (0: unlimited).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            state: Mutex::new(Buckets {
                map: HashMap::new(),
                last_prune: None,
            }),
        }
    }

    /// Takes one token for `key` now, or says how long until one is available.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    /// Takes one token for `key` at time `now`, or says how long until one is available.
    pub fn check_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / WINDOW.as_secs_f64();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state
            .last_prune
            .is_none_or(|last| now.saturating_duration_since(last) >= WINDOW)
        {
            state
                .map
                .retain(|_, bucket| now.saturating_duration_since(bucket.updated) < WINDOW);
            state.last_prune = Some(now);
        }
        let bucket = state.map.entry(key.clone()).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }

    /// How many keys are remembered (for tests of the bound).
    pub fn tracked_keys(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map
            .len()
    }
}

/// Whole seconds to announce in `Retry-After` for a wait: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// The key an address is counted under: IPv4 as is (also when written as IPv4-mapped IPv6);
/// IPv6 by its /64 prefix, since one host commonly owns a whole /64 and could otherwise
/// dodge a per-address limit (and fill the limiter's map) by cycling through it.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn ipv6_counts_per_slash_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(limit_key(a), limit_key(b));
        assert_ne!(limit_key(a), limit_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("ip");
        assert_eq!(
            limit_key(mapped),
            "192.0.2.1".parse::<IpAddr>().expect("ip")
        );
        let v4: IpAddr = "192.0.2.1".parse().expect("ip");
        assert_eq!(limit_key(v4), v4);
    }

    #[test]
    fn allows_a_burst_then_refuses_with_the_time_to_the_next_token() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        assert!(limiter.check_at(&"a", t0).is_ok());
        assert!(limiter.check_at(&"a", t0).is_ok());
        let wait = limiter.check_at(&"a", t0).expect_err("third refused");
        assert_eq!(retry_after_secs(wait), 30, "one token per 30 s at 2/min");
        assert!(limiter.check_at(&"b", t0).is_ok(), "keys are independent");
        assert!(limiter
            .check_at(&"a", t0 + Duration::from_secs(29))
            .is_err());
        assert!(limiter.check_at(&"a", t0 + Duration::from_secs(31)).is_ok());
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0);
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert!(limiter.check_at(&1, t0).is_ok());
        }
        assert_eq!(limiter.tracked_keys(), 0);
    }

    #[test]
    fn idle_keys_are_forgotten() {
        let limiter = RateLimiter::new(10);
        let t0 = Instant::now();
        for key in 0..100 {
            assert!(limiter.check_at(&key, t0).is_ok());
        }
        assert_eq!(limiter.tracked_keys(), 100);
        assert!(limiter
            .check_at(&1000, t0 + Duration::from_secs(61))
            .is_ok());
        assert_eq!(limiter.tracked_keys(), 1, "only the fresh key is kept");
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
