//! [ssr] The stored form of a session token: the database keeps only a token's SHA-256, so a
//! leaked database signs nobody in. Used by the sessions and by password changes (which end
//! every session but the caller's).

use sha2::{Digest, Sha256};

/// Random bytes in a session token (256 bits).
pub const SESSION_TOKEN_BYTES: usize = 32;

/// The stored form of a token.
pub(super) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}
