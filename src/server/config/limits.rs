//! `[limits]` of the configuration: the rate limits against abuse (each enforced in one place,
//! see ARCHITECTURE.md) and the password-hashing pool. Environment variables
//! `SLUICE_MESSAGES_PER_MINUTE`, `SLUICE_IP_REQUESTS_PER_MINUTE`, `SLUICE_CONCURRENT_STREAMS`,
//! `SLUICE_SIGN_IN_ATTEMPTS`, `SLUICE_PAGE_LOADS_PER_MINUTE`, `SLUICE_SIGN_UP_ATTEMPTS`,
//! `SLUICE_PASSWORD_HASHES` and `SLUICE_PASSWORD_HASH_WAIT_SECS` override the file.

use super::source::{Decimal, Setting, Sources, Whole};
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

/// Rate limits against abuse; each is enforced in one place (see ARCHITECTURE.md). 0 means
/// "no limit".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitsConfig {
    /// Answers a user may start per minute (send, regenerate, continue, temporary chat), so
    /// one account cannot run up the provider bill.
    pub messages_per_minute: u32,
    /// Requests to `/api/` one IP address may make per minute, against floods from one host.
    pub ip_requests_per_minute: u32,
    /// Answers one user may have streaming at once, each holding an upstream connection.
    pub concurrent_streams: u32,
    /// Failed sign-ins allowed (per account name and per IP) before exponential back-off.
    pub sign_in_attempts: u32,
    /// Pages (`/`, `/c/{id}`, `/sign-in`, `/admin`, …: anything rendered on the server, not
    /// `/api/` or static files) one IP address, and one signed-in user, may load per minute:
    /// rendering a long conversation is the most expensive thing a client can ask for.
    pub page_loads_per_minute: u32,
    /// Sign-ups allowed per IP before the same back-off: each costs a hash, may add a user.
    pub sign_up_attempts: u32,
    /// Password hashes computed at once (19 MiB each); others queue. Default: CPU cores.
    pub password_hashes: u32,
    /// How long a request queues for a hashing slot before a 503 "busy".
    pub password_hash_wait: Duration,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            messages_per_minute: 30,
            ip_requests_per_minute: 600,
            concurrent_streams: 3,
            sign_in_attempts: 5,
            page_loads_per_minute: 120,
            sign_up_attempts: 5,
            password_hashes: crate::store::PasswordHashing::cores() as u32,
            password_hash_wait: crate::store::PasswordHashing::DEFAULT_WAIT,
        }
    }
}

/// `[limits]` in the file (0 turns a limit off).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileLimits {
    /// Answers started per user per minute (default 30).
    messages_per_minute: Option<Spanned<i64>>,
    /// `/api/` requests per IP per minute (default 600).
    ip_requests_per_minute: Option<Spanned<i64>>,
    /// Answers streaming at once per user (default 3).
    concurrent_streams: Option<Spanned<i64>>,
    /// Failed sign-ins before back-off (default 5).
    sign_in_attempts: Option<Spanned<i64>>,
    /// Server-rendered pages per IP and per user per minute (default 120).
    page_loads_per_minute: Option<Spanned<i64>>,
    /// Sign-ups per IP before back-off (default 5).
    sign_up_attempts: Option<Spanned<i64>>,
    /// Password hashes at once (default: CPU cores).
    password_hashes: Option<Spanned<i64>>,
    /// Seconds to queue for a hashing slot (default 10).
    password_hash_wait_secs: Option<Spanned<f64>>,
}

/// A rate or count limit: 0 turns it off, else at least 1 and at most a million.
const LIMIT: Whole = Whole::or_off(1, 1_000_000, "");

/// Password hashes computed at once (each takes 19 MiB).
const PASSWORD_HASHES: Whole = Whole::range(1, 1024, "");

/// Seconds a request may queue for a hashing slot.
const PASSWORD_HASH_WAIT: Decimal = Decimal::range(0.01, 300.0, "seconds");

impl LimitsConfig {
    /// Resolves the file's `[limits]` and the environment's overrides.
    pub(super) fn resolve(file: &FileLimits, sources: &Sources) -> Result<Self, String> {
        let defaults = Self::default();
        let setting = |var, key| Setting::new(var, "[limits]", key);
        let limit = |var, key, from_file: &Option<Spanned<i64>>, default| {
            sources.whole_u32(setting(var, key), from_file.as_ref(), LIMIT, default)
        };
        Ok(Self {
            messages_per_minute: limit(
                "SLUICE_MESSAGES_PER_MINUTE",
                "messages_per_minute",
                &file.messages_per_minute,
                defaults.messages_per_minute,
            )?,
            ip_requests_per_minute: limit(
                "SLUICE_IP_REQUESTS_PER_MINUTE",
                "ip_requests_per_minute",
                &file.ip_requests_per_minute,
                defaults.ip_requests_per_minute,
            )?,
            concurrent_streams: limit(
                "SLUICE_CONCURRENT_STREAMS",
                "concurrent_streams",
                &file.concurrent_streams,
                defaults.concurrent_streams,
            )?,
            sign_in_attempts: limit(
                "SLUICE_SIGN_IN_ATTEMPTS",
                "sign_in_attempts",
                &file.sign_in_attempts,
                defaults.sign_in_attempts,
            )?,
            page_loads_per_minute: limit(
                "SLUICE_PAGE_LOADS_PER_MINUTE",
                "page_loads_per_minute",
                &file.page_loads_per_minute,
                defaults.page_loads_per_minute,
            )?,
            sign_up_attempts: limit(
                "SLUICE_SIGN_UP_ATTEMPTS",
                "sign_up_attempts",
                &file.sign_up_attempts,
                defaults.sign_up_attempts,
            )?,
            password_hashes: sources.whole_u32(
                setting("SLUICE_PASSWORD_HASHES", "password_hashes"),
                file.password_hashes.as_ref(),
                PASSWORD_HASHES,
                // More cores than the pool allows still get a working default.
                defaults
                    .password_hashes
                    .clamp(1, PASSWORD_HASHES.max as u32),
            )?,
            password_hash_wait: Duration::from_secs_f64(sources.decimal(
                setting("SLUICE_PASSWORD_HASH_WAIT_SECS", "password_hash_wait_secs"),
                file.password_hash_wait_secs.as_ref(),
                PASSWORD_HASH_WAIT,
                defaults.password_hash_wait.as_secs_f64(),
            )?),
        })
    }
}
