//! The rules every sign-in throttle counts by, in this process or in Redis: how long a key
//! backs off after its failures, when failures are forgotten, and the key an account name is
//! counted under. Pure: no I/O, no clock.

use sha2::{Digest, Sha256};
use std::time::Duration;

/// The first back-off, doubled with each further failure.
pub const BASE_BACKOFF: Duration = Duration::from_secs(2);
/// The longest back-off.
pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// Failures older than this (since the key's last failure) are forgotten; above
/// [`MAX_BACKOFF`], so a lock always runs out before its count is forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

/// An account name as counted: the SHA-256 of its normalised form.
pub type AccountKey = [u8; 32];

/// The back-off after `failures` failures when `free_attempts` are free: none before,
/// [`BASE_BACKOFF`] at `free_attempts`, doubling with each further failure up to
/// [`MAX_BACKOFF`]. (`shared_throttle`'s script computes the same in Lua.)
pub fn backoff_after(failures: u32, free_attempts: u32) -> Option<Duration> {
    let over = failures.checked_sub(free_attempts)?;
    Some(
        BASE_BACKOFF
            .checked_mul(1u32.checked_shl(over).unwrap_or(u32::MAX))
            .unwrap_or(MAX_BACKOFF)
            .min(MAX_BACKOFF),
    )
}

/// The key an account name is counted under: `Alice ` and `alice` are the same account, and
/// so are "José" typed with a composed or a decomposed "é"; 32 bytes whatever the length.
pub fn account_key(account: &str) -> AccountKey {
    let normalised = crate::account::canonical_name(account).to_lowercase();
    Sha256::digest(normalised.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_after_doubles_from_the_free_attempts_and_caps() {
        let secs = |failures| backoff_after(failures, 3).map(|d| d.as_secs());
        assert_eq!(secs(2), None);
        assert_eq!(secs(3), Some(2));
        assert_eq!(secs(4), Some(4));
        assert_eq!(secs(11), Some(512));
        assert_eq!(secs(12), Some(15 * 60));
        assert_eq!(secs(u32::MAX), Some(15 * 60));
        assert_eq!(backoff_after(0, 0), Some(BASE_BACKOFF));
    }

    #[test]
    fn an_account_is_counted_under_its_normalised_name() {
        assert_eq!(account_key("Alice "), account_key("alice"));
        assert_eq!(account_key("Jos\u{e9}"), account_key("Jose\u{301}"));
        assert_ne!(account_key("alice"), account_key("bob"));
    }
}
