//! Slows down password guessing: failed sign-ins are counted per account name and per client
//! IP; after `free_attempts` failures on either, each further attempt must wait, the wait
//! doubling with every failure (2 s, 4 s, 8 s … up to 15 minutes). A success resets the
//! account's count. Nothing sleeps (a refusal is a 429 saying how long to wait); counts are
//! forgotten an hour after their last failure, so they stay bounded.
//!
//! # Where the counts live
//!
//! In this process's memory, or, with `[cluster] redis_url` ([`SignInThrottle::in_redis`]),
//! in Redis (see `shared_throttle`: one atomic script checks and counts every key of an
//! attempt), so N replicas slow a guesser as one would. While Redis is unreachable each
//! replica falls back to its in-memory counts (a warning a minute in the log): sign-in keeps
//! working and guessing is still slowed, per replica, for the outage; an attempt is settled
//! (success, cancel) where it was counted. Counts made in memory stay there when Redis
//! returns (they run out as usual).
//!
//! # How the sign-in server function uses it
//!
//! One call before the password is checked, one after it matched:
//!
//! ```ignore
//! let ip = crate::server::http::client_ip::from_context();
//! let attempt = state.limits.begin_sign_in(ip, &name).await?; // AppError, into ApiError
//! let user = verify_password(&state, &name, &password).await?; // any `?` here is a failure
//! attempt.succeeded().await;
//! ```
//!
//! [`SignInThrottle::begin`] refuses while a back-off runs and otherwise counts the attempt
//! as a failure straight away, so parallel guesses cannot all slip in before the first is
//! judged; [`SignInAttempt::succeeded`] takes it back. Dropping the attempt without calling
//! it (wrong password, unknown account, an error) leaves the failure counted. Use the same
//! refusal text for "no such account" and "wrong password".
//!
//! A success does not reset the IP's count (only takes back its own attempt): otherwise one
//! valid account would let its owner guess at other accounts' passwords forever.
//! [`SignInAttempt::cancel`] takes an attempt back that was never judged (the server was
//! busy), so nobody is penalised for the server's load.
//!
//! Account names are counted under a SHA-256 of their normalised form (trimmed, NFC, lower
//! case), so a key costs 32 bytes however long the name sent (callers also refuse names over
//! the length limit before they get here).
//!
//! The same machinery throttles sign-ups per IP ([`SignInThrottle::begin_ip`]; every sign-up
//! counts) and password changes per account (a wrong current password counts), each with its
//! own instance and refusal text.

use crate::server::auth::shared_throttle::{Settle, SharedKey, SharedThrottle};
use crate::server::auth::throttle_rules::{account_key, backoff_after, AccountKey, FORGET_AFTER};
use crate::server::error::AppError;
use crate::server::limits::rate_limiter::retry_after_secs;
use crate::server::limits::shared_bucket::SharedLimits;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Failed sign-in counts per account and per IP.
#[derive(Clone, Debug)]
pub struct SignInThrottle {
    /// Failures allowed before back-off starts; 0 turns the throttle off.
    free_attempts: u32,
    /// The first sentence of a refusal (the wait follows), naming what was throttled.
    refusal: &'static str,
    /// The in-memory counts, shared by clones (the attempt guards hold one); the only ones
    /// without Redis, the fallback while it is away.
    state: Arc<Mutex<Counts>>,
    /// The counts in Redis, shared by replicas (`[cluster] redis_url`), when configured.
    shared: Option<SharedThrottle>,
}

/// The mutable part of a [`SignInThrottle`].
#[derive(Debug, Default)]
struct Counts {
    /// Per account name (hashed, see [`account_key`]).
    accounts: HashMap<AccountKey, Failures>,
    /// Per client IP (IPv6 per /64, see `rate_limiter::limit_key`).
    ips: HashMap<IpAddr, Failures>,
    /// When forgotten counts were last dropped, so pruning runs once a minute at most.
    last_prune: Option<Instant>,
}

/// One key's failures.
#[derive(Debug, Clone, Copy)]
struct Failures {
    /// Failed (or still undecided) attempts since the last reset.
    count: u32,
    /// When the last one began; back-off runs from here.
    last: Instant,
}

/// One sign-in attempt in progress: counted as a failure unless [`Self::succeeded`] is called.
#[derive(Debug)]
#[must_use = "call `succeeded()` once the password matched"]
pub struct SignInAttempt {
    /// Where the attempt was counted, so a success or a cancel corrects those counts.
    counted_in: CountedIn,
    /// The account's key, when one was counted.
    account: Option<AccountKey>,
    /// The client's IP key, when one was counted.
    ip: Option<IpAddr>,
}

/// The counts an attempt was counted in.
#[derive(Debug)]
enum CountedIn {
    /// This process's memory (no Redis, or Redis away when the attempt began).
    Memory(Arc<Mutex<Counts>>),
    /// Redis.
    Redis(SharedThrottle),
}

impl SignInThrottle {
    /// A throttle allowing `free_attempts` failures before back-off (0: off).
    pub fn new(free_attempts: u32) -> Self {
        Self {
            free_attempts,
            refusal: "Too many failed sign-ins.",
            state: Arc::default(),
            shared: None,
        }
    }

    /// This throttle counting in `shared`'s Redis (when given), under keys named `name`
    /// (`sign_in`, …); a throttle that is off (0 free attempts) never asks Redis.
    pub fn in_redis(mut self, shared: Option<&SharedLimits>, name: &'static str) -> Self {
        self.shared = shared
            .filter(|_| self.free_attempts > 0)
            .map(|shared| SharedThrottle::new(shared, name));
        self
    }

    /// This throttle refusing with `refusal` (then "Wait N s before trying again.").
    pub fn with_refusal(mut self, refusal: &'static str) -> Self {
        self.refusal = refusal;
        self
    }

    /// Starts an attempt counted only against `ip` (a sign-up), or refuses it (429) while
    /// the IP's back-off runs. Without an IP nothing is counted.
    pub async fn begin_ip(&self, ip: Option<IpAddr>) -> Result<SignInAttempt, AppError> {
        self.begin_keys(ip, None).await
    }

    /// Starts an attempt to sign in as `account` from `ip`, or refuses it (429) while a
    /// back-off runs for either.
    pub async fn begin(
        &self,
        ip: Option<IpAddr>,
        account: &str,
    ) -> Result<SignInAttempt, AppError> {
        self.begin_keys(ip, Some(account_key(account))).await
    }

    /// [`Self::begin`] at time `now`, counted in this process's memory whether or not the
    /// throttle is in Redis (what `begin` does without Redis or while it is away).
    pub fn begin_at(
        &self,
        ip: Option<IpAddr>,
        account: &str,
        now: Instant,
    ) -> Result<SignInAttempt, AppError> {
        self.begin_in_memory(
            ip.map(crate::server::limits::rate_limiter::limit_key),
            Some(account_key(account)),
            now,
        )
    }

    /// Starts an attempt counted against `ip` and `account` (each when present): in Redis
    /// when configured and reachable, else in memory.
    async fn begin_keys(
        &self,
        ip: Option<IpAddr>,
        account: Option<AccountKey>,
    ) -> Result<SignInAttempt, AppError> {
        let ip = ip.map(crate::server::limits::rate_limiter::limit_key);
        if let Some(shared) = &self.shared {
            if ip.is_none() && account.is_none() {
                return Ok(SignInAttempt {
                    counted_in: CountedIn::Redis(shared.clone()),
                    account,
                    ip,
                });
            }
            let keys: Vec<SharedKey> = account
                .iter()
                .map(|account| shared.account_key(account))
                .chain(ip.map(|ip| shared.ip_key(ip)))
                .collect();
            match shared.begin(&keys, self.free_attempts).await {
                Ok(None) => {
                    return Ok(SignInAttempt {
                        counted_in: CountedIn::Redis(shared.clone()),
                        account,
                        ip,
                    })
                }
                Ok(Some(wait)) => return Err(self.refuse(wait)),
                // Warned (once a minute) by the shared limits; counted here for the outage.
                Err(_unreachable) => {}
            }
        }
        self.begin_in_memory(ip, account, Instant::now())
    }

    /// The 429 for a back-off with `wait` to go.
    fn refuse(&self, wait: Duration) -> AppError {
        let secs = retry_after_secs(wait);
        AppError::TooManyRequests {
            message: format!("{} Wait {secs} s before trying again.", self.refusal),
            retry_after_secs: secs,
        }
    }

    /// Starts an attempt counted in memory against `ip` (already a limit key) and `account`.
    fn begin_in_memory(
        &self,
        ip: Option<IpAddr>,
        account: Option<AccountKey>,
        now: Instant,
    ) -> Result<SignInAttempt, AppError> {
        let mut counts = self.state.lock().unwrap_or_else(|e| e.into_inner());
        counts.prune(now);
        if self.free_attempts > 0 {
            let wait = [
                account.and_then(|account| self.wait(counts.accounts.get(&account), now)),
                ip.and_then(|ip| self.wait(counts.ips.get(&ip), now)),
            ]
            .into_iter()
            .flatten()
            .max();
            if let Some(wait) = wait {
                return Err(self.refuse(wait));
            }
            if let Some(account) = account {
                count_failure(&mut counts.accounts, account, now);
            }
            if let Some(ip) = ip {
                count_failure(&mut counts.ips, ip, now);
            }
        }
        let counted = self.free_attempts > 0;
        Ok(SignInAttempt {
            counted_in: CountedIn::Memory(self.state.clone()),
            account: account.filter(|_| counted),
            ip: ip.filter(|_| counted),
        })
    }

    /// How long a key with `failures` must still wait at `now`, if at all.
    fn wait(&self, failures: Option<&Failures>, now: Instant) -> Option<Duration> {
        let failures = failures?;
        let backoff = backoff_after(failures.count, self.free_attempts)?;
        let until = failures.last + backoff;
        (until > now).then(|| until - now)
    }
}

impl SignInAttempt {
    /// The password matched: forget the account's failures and take back this attempt's
    /// count on the IP.
    pub async fn succeeded(self) {
        self.settle(Settle::Forget).await;
    }

    /// The attempt was never judged (e.g. the server was too busy to check the password):
    /// take back its count on the account and the IP.
    pub async fn cancel(self) {
        self.settle(Settle::TakeBack).await;
    }

    /// Corrects the counts the attempt was counted in: the account's as `account` says, one
    /// failure back on the IP. In Redis one script; if Redis is away by now the failure
    /// stays counted (warned by the shared limits) and runs out as usual.
    async fn settle(self, account: Settle) {
        match self.counted_in {
            CountedIn::Memory(state) => {
                let mut counts = state.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(key) = self.account {
                    match account {
                        Settle::Forget => {
                            counts.accounts.remove(&key);
                        }
                        Settle::TakeBack => take_back(&mut counts.accounts, &key),
                    }
                }
                if let Some(ip) = self.ip {
                    take_back(&mut counts.ips, &ip);
                }
            }
            CountedIn::Redis(shared) => {
                let keys: Vec<(SharedKey, Settle)> = self
                    .account
                    .iter()
                    .map(|key| (shared.account_key(key), account))
                    .chain(self.ip.map(|ip| (shared.ip_key(ip), Settle::TakeBack)))
                    .collect();
                let _ = shared.settle(&keys).await;
            }
        }
    }
}

/// Removes one failure of `key` (and the key once none is left).
fn take_back<K: Eq + Hash>(map: &mut HashMap<K, Failures>, key: &K) {
    if let Some(failures) = map.get_mut(key) {
        failures.count = failures.count.saturating_sub(1);
        if failures.count == 0 {
            map.remove(key);
        }
    }
}

impl Counts {
    /// Drops counts whose last failure is older than [`FORGET_AFTER`] (once a minute at most).
    fn prune(&mut self, now: Instant) {
        if self
            .last_prune
            .is_some_and(|last| now.saturating_duration_since(last) < Duration::from_secs(60))
        {
            return;
        }
        self.last_prune = Some(now);
        let fresh = |f: &Failures| now.saturating_duration_since(f.last) < FORGET_AFTER;
        self.accounts.retain(|_, f| fresh(f));
        self.ips.retain(|_, f| fresh(f));
    }
}

/// Adds one failure for `key` at `now`.
fn count_failure<K: Eq + Hash>(map: &mut HashMap<K, Failures>, key: K, now: Instant) {
    let failures = map.entry(key).or_insert(Failures {
        count: 0,
        last: now,
    });
    failures.count = failures.count.saturating_add(1);
    failures.last = now;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const IP: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
    const OTHER_IP: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)));

    /// Fails `n` attempts at `now`.
    fn fail(throttle: &SignInThrottle, ip: Option<IpAddr>, account: &str, n: u32, now: Instant) {
        for _ in 0..n {
            drop(throttle.begin_at(ip, account, now).expect("allowed"));
        }
    }

    /// The Retry-After of a refusal.
    fn refused_for(result: Result<SignInAttempt, AppError>) -> u64 {
        match result {
            Err(AppError::TooManyRequests {
                retry_after_secs,
                message,
            }) => {
                assert!(message.contains(&format!("Wait {retry_after_secs} s")));
                retry_after_secs
            }
            other => panic!("expected a 429, got {other:?}"),
        }
    }

    #[test]
    fn free_attempts_then_doubling_back_off() {
        let throttle = SignInThrottle::new(5);
        let t0 = Instant::now();
        fail(&throttle, IP, "alice", 5, t0);
        assert_eq!(refused_for(throttle.begin_at(IP, "alice", t0)), 2);
        let t1 = t0 + Duration::from_secs(2);
        fail(&throttle, IP, "alice", 1, t1);
        assert_eq!(refused_for(throttle.begin_at(IP, "alice", t1)), 4);
        let t2 = t1 + Duration::from_secs(4);
        fail(&throttle, IP, "alice", 1, t2);
        assert_eq!(refused_for(throttle.begin_at(IP, "alice", t2)), 8);
        // A refused attempt is not counted: waiting out the back-off is enough.
        assert!(throttle
            .begin_at(IP, "alice", t2 + Duration::from_secs(8))
            .is_ok());
    }

    #[test]
    fn back_off_is_capped_at_fifteen_minutes() {
        let throttle = SignInThrottle::new(1);
        let mut now = Instant::now();
        let mut waits = Vec::new();
        for _ in 0..20 {
            drop(
                throttle
                    .begin_at(IP, "alice", now)
                    .expect("allowed after waiting"),
            );
            let wait = refused_for(throttle.begin_at(IP, "alice", now));
            waits.push(wait);
            now += Duration::from_secs(wait);
        }
        assert_eq!(waits[..4], [2, 4, 8, 16]);
        assert_eq!(waits.last(), Some(&(15 * 60)));
        assert!(waits.iter().all(|w| *w <= 15 * 60));
    }

    #[test]
    fn the_account_is_locked_from_every_ip() {
        let throttle = SignInThrottle::new(3);
        let t0 = Instant::now();
        fail(&throttle, IP, "Alice", 3, t0);
        refused_for(throttle.begin_at(OTHER_IP, " alice ", t0));
        assert!(throttle.begin_at(OTHER_IP, "bob", t0).is_ok());
    }

    #[test]
    fn the_ip_is_locked_for_every_account() {
        let throttle = SignInThrottle::new(3);
        let t0 = Instant::now();
        fail(&throttle, IP, "alice", 1, t0);
        fail(&throttle, IP, "bob", 1, t0);
        fail(&throttle, IP, "carol", 1, t0);
        refused_for(throttle.begin_at(IP, "dave", t0));
        assert!(throttle.begin_at(OTHER_IP, "dave", t0).is_ok());
    }

    #[tokio::test]
    async fn success_resets_the_account_but_not_the_ip() {
        let throttle = SignInThrottle::new(3);
        let t0 = Instant::now();
        fail(&throttle, IP, "alice", 2, t0);
        throttle
            .begin_at(IP, "alice", t0)
            .expect("third")
            .succeeded()
            .await;
        // The account starts afresh (from another IP: three free failures again).
        fail(&throttle, OTHER_IP, "alice", 3, t0);
        refused_for(throttle.begin_at(OTHER_IP, "alice", t0));
        // The first IP keeps its two failures: one more and it backs off.
        fail(&throttle, IP, "mallory", 1, t0);
        refused_for(throttle.begin_at(IP, "zed", t0));
    }

    #[test]
    fn parallel_attempts_cannot_exceed_the_free_ones() {
        let throttle = SignInThrottle::new(3);
        let t0 = Instant::now();
        let in_flight: Vec<_> = (0..3)
            .map(|_| throttle.begin_at(IP, "alice", t0).expect("free"))
            .collect();
        refused_for(throttle.begin_at(IP, "alice", t0));
        drop(in_flight);
    }

    #[test]
    fn old_failures_are_forgotten() {
        let throttle = SignInThrottle::new(2);
        let t0 = Instant::now();
        fail(&throttle, IP, "alice", 2, t0);
        let later = t0 + FORGET_AFTER + Duration::from_secs(1);
        assert!(throttle.begin_at(None, "someone", later).is_ok());
        let counts = throttle.state.lock().expect("lock");
        assert!(!counts.accounts.contains_key(&account_key("alice")));
        assert!(counts.ips.is_empty());
    }

    #[test]
    fn keys_are_fixed_size_hashes_of_the_normalised_name() {
        let throttle = SignInThrottle::new(1);
        let t0 = Instant::now();
        let long = "x".repeat(100_000);
        fail(&throttle, None, &long, 1, t0);
        fail(&throttle, None, " Jose\u{301} ", 1, t0);
        refused_for(throttle.begin_at(None, "JOSÉ", t0));
        let counts = throttle.state.lock().expect("lock");
        assert_eq!(counts.accounts.len(), 2);
        assert!(counts.accounts.contains_key(&account_key(&long)));
    }

    #[tokio::test]
    async fn ip_only_attempts_and_cancelled_ones() {
        let throttle = SignInThrottle::new(2).with_refusal("Too many sign-ups.");
        drop(throttle.begin_ip(IP).await.expect("first"));
        throttle.begin_ip(IP).await.expect("second").cancel().await;
        drop(
            throttle
                .begin_ip(IP)
                .await
                .expect("the cancelled one did not count"),
        );
        match throttle.begin_ip(IP).await {
            Err(AppError::TooManyRequests { message, .. }) => {
                assert!(message.starts_with("Too many sign-ups. Wait "), "{message}");
            }
            other => panic!("expected a 429, got {other:?}"),
        }
        assert!(throttle.begin_ip(OTHER_IP).await.is_ok());
        assert!(throttle.state.lock().expect("lock").accounts.is_empty());
    }

    #[tokio::test]
    async fn with_redis_away_attempts_are_counted_in_memory() {
        let away = SharedLimits::new("redis://127.0.0.1:1", "unused");
        let throttle = SignInThrottle::new(2).in_redis(Some(&away), "sign_in");
        drop(throttle.begin(IP, "alice").await.expect("first"));
        throttle
            .begin(IP, "alice")
            .await
            .expect("second")
            .cancel()
            .await;
        drop(
            throttle
                .begin(IP, "alice")
                .await
                .expect("the cancelled one is back"),
        );
        assert_eq!(refused_for(throttle.begin(OTHER_IP, "alice").await), 2);
        assert!(throttle
            .state
            .lock()
            .expect("lock")
            .accounts
            .contains_key(&account_key("alice")));
    }

    #[test]
    fn zero_turns_the_throttle_off() {
        let throttle = SignInThrottle::new(0);
        let t0 = Instant::now();
        fail(&throttle, IP, "alice", 100, t0);
        assert!(throttle.state.lock().expect("lock").accounts.is_empty());
    }
}
