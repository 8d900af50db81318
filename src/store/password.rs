//! [ssr] Password hashing: argon2id with OWASP's recommended parameters (19 MiB, 2 passes,
//! 1 lane), stored as a PHC string. Hashing takes tens of milliseconds of CPU, so it runs on
//! tokio's blocking pool, never on the async executor. Private to the store: hashes never
//! leave this module's parent.
//!
//! Every hash and every check first takes a permit of the store's [`PasswordHashing`] gate
//! (by default one per CPU core), so a burst of sign-ups or sign-ins costs at most that many
//! times 19 MiB and cannot crowd out the rest of the blocking pool; callers queue for a
//! permit, and one that waits longer than the gate's `wait` gets [`StoreError::Busy`]. The
//! permit moves into the blocking task, so work whose request went away still counts until
//! it ends.

use super::StoreError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Memory cost in KiB (OWASP: 19 MiB).
const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
const ITERATIONS: u32 = 2;
/// Parallel lanes.
const LANES: u32 = 1;

/// How many password hashes may run at once, and how long a caller queues for one.
#[derive(Clone, Debug)]
pub struct PasswordHashing {
    /// One permit per hash allowed to run at once (each holds 19 MiB while it runs).
    permits: Arc<Semaphore>,
    /// How long a caller waits for a permit before the request is refused as busy.
    wait: Duration,
}

impl PasswordHashing {
    /// What a store uses until configured otherwise: one hash per core, 10 s of queueing.
    pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

    /// A gate letting `concurrent` hashes run at once (at least 1), callers waiting up to
    /// `wait` for their turn.
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            wait,
        }
    }

    /// The number of CPU cores (1 when unknown): the default number of concurrent hashes.
    pub fn cores() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    /// Takes a slot at once and keeps it until the permit is dropped; `None` when all are
    /// taken. Lets tests fill the gate to see what happens while it is busy.
    pub fn try_hold(&self) -> Option<OwnedSemaphorePermit> {
        self.permits.clone().try_acquire_owned().ok()
    }

    /// Waits for a permit, at most `wait`.
    async fn permit(&self) -> Result<OwnedSemaphorePermit, StoreError> {
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(StoreError::Hashing(closed.to_string())),
            Err(_) => Err(StoreError::Busy),
        }
    }
}

impl Default for PasswordHashing {
    fn default() -> Self {
        Self::new(Self::cores(), Self::DEFAULT_WAIT)
    }
}

/// The configured hasher.
fn hasher() -> Result<Argon2<'static>, StoreError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .map_err(|e| StoreError::Hashing(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with a fresh random salt (blocking; see [`hash`]).
fn hash_blocking(password: &str) -> Result<String, StoreError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Hashing(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Hashing(e.to_string()))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| StoreError::Hashing(e.to_string()))
}

/// Whether `password` matches the PHC string `stored` (blocking; see [`verify`]). A malformed
/// stored hash matches nothing.
fn verify_blocking(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(argon) = hasher() else {
        return false;
    };
    argon.verify_password(password.as_bytes(), &parsed).is_ok()
}

/// The argon2id PHC string of `password`, computed off the async executor once `gate` lets
/// it run.
pub(super) async fn hash(gate: &PasswordHashing, password: &str) -> Result<String, StoreError> {
    let permit = gate.permit().await?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        hash_blocking(&password)
    })
    .await
    .map_err(|e| StoreError::Hashing(e.to_string()))?
}

/// Whether `password` matches `stored`, computed off the async executor. With `None` (no such
/// user, or a user without a password) a dummy hash is checked anyway, so that the answer takes
/// as long as for a real user and names cannot be probed by timing; the result is then false.
/// [`StoreError::Busy`] when `gate` had no permit in time.
pub(super) async fn verify(
    gate: &PasswordHashing,
    password: &str,
    stored: Option<String>,
) -> Result<bool, StoreError> {
    let permit = gate.permit().await?;
    let password = password.to_owned();
    Ok(tokio::task::spawn_blocking(move || {
        let _permit = permit;
        match stored {
            Some(stored) => verify_blocking(&password, &stored),
            None => {
                if let Some(dummy) = dummy_hash() {
                    verify_blocking(&password, dummy);
                }
                false
            }
        }
    })
    .await
    .unwrap_or(false))
}

/// A hash of a random password, made once, to spend the same time on unknown names.
fn dummy_hash() -> Option<&'static str> {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let mut secret = [0u8; 24];
            getrandom::fill(&mut secret).ok()?;
            let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
            hash_blocking(&secret).ok()
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_than_the_gate_allows_and_late_callers_are_busy() {
        let gate = PasswordHashing::new(1, Duration::from_millis(20));
        let held = gate.permit().await.expect("the only permit");
        assert!(matches!(gate.permit().await, Err(StoreError::Busy)));
        assert!(matches!(
            hash(&gate, "a password").await,
            Err(StoreError::Busy)
        ));
        assert!(matches!(
            verify(&gate, "a password", None).await,
            Err(StoreError::Busy)
        ));
        drop(held);
        let stored = hash(&gate, "a password").await.expect("hash once free");
        assert_eq!(
            verify(&gate, "a password", Some(stored)).await.ok(),
            Some(true)
        );

        // Queued callers all get their turn, one at a time.
        let gate = PasswordHashing::new(2, Duration::from_secs(60));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let (gate, running, peak) = (gate.clone(), running.clone(), peak.clone());
                tokio::spawn(async move {
                    let permit = gate.permit().await.expect("queued, then served");
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    drop(permit);
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }
}
