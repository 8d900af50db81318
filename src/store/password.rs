//! [ssr] Password hashing: argon2id with OWASP's recommended parameters (19 MiB, 2 passes,
//! 1 lane), stored as a PHC string. Hashing takes tens of milliseconds of CPU, so it runs on
//! tokio's blocking pool, never on the async executor. Private to the store: hashes never
//! leave this module's parent.

use super::StoreError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// Memory cost in KiB (OWASP: 19 MiB).
const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
const ITERATIONS: u32 = 2;
/// Parallel lanes.
const LANES: u32 = 1;

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

/// The argon2id PHC string of `password`, computed off the async executor.
pub(super) async fn hash(password: &str) -> Result<String, StoreError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| StoreError::Hashing(e.to_string()))?
}

/// Whether `password` matches `stored`, computed off the async executor. With `None` (no such
/// user, or a user without a password) a dummy hash is checked anyway, so that the answer takes
/// as long as for a real user and names cannot be probed by timing; the result is then false.
pub(super) async fn verify(password: &str, stored: Option<String>) -> bool {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_blocking(&password, &stored),
        None => {
            if let Some(dummy) = dummy_hash() {
                verify_blocking(&password, dummy);
            }
            false
        }
    })
    .await
    .unwrap_or(false)
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
