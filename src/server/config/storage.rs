//! `[storage]` of the configuration: where the database lives, how often a streaming answer is
//! written, and how much text one user may store. Environment variables `SLUICE_DATA_DIR`,
//! `SLUICE_FLUSH_MS` and `SLUICE_MAX_USER_STORAGE_BYTES` override the file.

use super::source::{Setting, Sources, Whole};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;
use toml::Spanned;

/// Where and how conversations are stored.
#[derive(Clone, Debug)]
pub struct StorageConfig {
    /// The SQLite database file (`<data_dir>/sluice.db`); its directory is created at start-up.
    pub database: PathBuf,
    /// Time between two batched writes of a streaming answer: what a crash may lose at most.
    pub flush_interval: Duration,
    /// Bytes of message text, titles and system prompts one user may store (0: no quota), so
    /// one account cannot fill the disk; see `server::limits::storage_quota`.
    pub max_user_storage_bytes: u64,
}

/// `[storage]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileStorage {
    /// Directory of the database (default `data`, relative to the working directory).
    data_dir: Option<PathBuf>,
    /// Milliseconds between two batched writes of a streaming answer (default 250).
    flush_ms: Option<Spanned<i64>>,
    /// Storage quota per user in bytes (default 1 GiB, 0: none).
    max_user_storage_bytes: Option<Spanned<i64>>,
}

/// Default storage quota per user: 1 GiB, about a thousand very long conversations.
pub const DEFAULT_MAX_USER_STORAGE_BYTES: u64 = 1024 * 1024 * 1024;

/// Milliseconds between batched writes: more often than every 10 ms only costs writes, less
/// often than every minute risks a minute of answer on a crash.
const FLUSH_MS: Whole = Whole::range(10, 60_000, "milliseconds");

/// The storage quota: 0 (none) or from 1 KiB (below it nothing useful fits) to 1 PiB.
const MAX_USER_STORAGE_BYTES: Whole = Whole::or_off(1024, 1 << 50, "bytes");

impl StorageConfig {
    /// Resolves the file's `[storage]` and the environment's overrides.
    pub(super) fn resolve(file: &FileStorage, sources: &Sources) -> Result<Self, String> {
        let data_dir = sources
            .var("SLUICE_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("data"));
        Ok(Self {
            database: data_dir.join("sluice.db"),
            flush_interval: Duration::from_millis(sources.whole(
                Setting::new("SLUICE_FLUSH_MS", "[storage]", "flush_ms"),
                file.flush_ms.as_ref(),
                FLUSH_MS,
                250,
            )?),
            max_user_storage_bytes: sources.whole(
                Setting::new(
                    "SLUICE_MAX_USER_STORAGE_BYTES",
                    "[storage]",
                    "max_user_storage_bytes",
                ),
                file.max_user_storage_bytes.as_ref(),
                MAX_USER_STORAGE_BYTES,
                DEFAULT_MAX_USER_STORAGE_BYTES,
            )?,
        })
    }
}
