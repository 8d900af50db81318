//! [ssr] Identifiers and the clock of the store: the owner type, UUID parsing that turns any
//! malformed id into [`StoreError::NotFound`] (the wire's id types, `crate::ids`, carry any
//! text), and unix-millisecond timestamps.

use super::StoreError;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// The owner of conversations and presets; every store query takes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserId(pub i64);

impl UserId {
    /// The built-in local user (row 1 of the first migration), owner in single-user mode.
    pub const LOCAL: UserId = UserId(1);
}

/// A fresh random id for a conversation, message or preset (a UUID, whichever id type `I` is).
pub(crate) fn new_id<I: From<String>>() -> I {
    I::from(uuid::Uuid::new_v4().to_string())
}

/// The canonical form of an id from outside (any text: the id types do not check); malformed
/// ids are simply not found.
pub(crate) fn parse_id<I: From<String>>(raw: &str) -> Result<I, StoreError> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|id| I::from(id.hyphenated().to_string()))
        .map_err(|_| StoreError::NotFound)
}

/// Now as unix milliseconds (0 if the clock is before 1970).
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
