//! `[storage]` of the configuration: which database (the SQLite file under `data_dir`, or a
//! PostgreSQL server named by `database_url`, see [`database_url`](super::database_url)), its
//! connection pool, this replica's id ([`replica_id`](super::replica_id)), how often a
//! streaming answer is written, and how much text one user may store. Environment variables
//! `SLUICE_DATA_DIR`, `SLUICE_DATABASE_URL` (else `DATABASE_URL`), `SLUICE_DB_MAX_CONNECTIONS`,
//! `SLUICE_DB_ACQUIRE_TIMEOUT_MS`, `SLUICE_REPLICA_ID`, `SLUICE_FLUSH_MS` and
//! `SLUICE_MAX_USER_STORAGE_BYTES` override the file.

use super::source::{Setting, Sources, Whole};
use crate::store::{
    DatabaseLocation, StoreOptions, DEFAULT_ACQUIRE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;
use toml::Spanned;

/// Where and how conversations are stored.
#[derive(Clone)]
pub struct StorageConfig {
    /// The SQLite database file (`<data_dir>/sluice.db`); its directory is created at start-up.
    /// Used when `database_url` is unset, and by `sluice migrate-to-postgres` as its source.
    pub database: PathBuf,
    /// The PostgreSQL server (`postgres://…`) when one is configured, instead of the SQLite
    /// file. It may hold a password: never logged or shown (see [`StoreOptions::describe`]).
    pub database_url: Option<String>,
    /// Pooled database connections: what this process may ask of the database at most.
    pub max_connections: u32,
    /// How long a query waits for a pooled connection before its request is answered 503, so
    /// a database that is away never hangs requests.
    pub acquire_timeout: Duration,
    /// This process's name among replicas sharing a database, stored on the answers it
    /// streams so that after a crash it recovers only its own.
    pub replica_id: String,
    /// Time between two batched writes of a streaming answer: what a crash may lose at most.
    pub flush_interval: Duration,
    /// Bytes of message text, titles and system prompts one user may store (0: no quota), so
    /// one account cannot fill the disk; see `server::limits::storage_quota`.
    pub max_user_storage_bytes: u64,
}

/// Shows everything but the URL, whose password must never reach a log line.
impl std::fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageConfig")
            .field("database", &self.database)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "[redacted]"),
            )
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("replica_id", &self.replica_id)
            .field("flush_interval", &self.flush_interval)
            .field("max_user_storage_bytes", &self.max_user_storage_bytes)
            .finish()
    }
}

/// `[storage]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileStorage {
    /// Directory of the database (default `data`, relative to the working directory).
    data_dir: Option<PathBuf>,
    /// A PostgreSQL URL (default: none, the SQLite file in `data_dir`).
    database_url: Option<Spanned<String>>,
    /// Pooled database connections (default 8).
    max_connections: Option<Spanned<i64>>,
    /// Milliseconds a query waits for a pooled connection (default 5000).
    acquire_timeout_ms: Option<Spanned<i64>>,
    /// This replica's id (default: the host name).
    replica_id: Option<Spanned<String>>,
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

/// Pooled connections: at least one; a thousand is more than any PostgreSQL server accepts
/// by default (`max_connections = 100`), so more is surely a typo.
const MAX_CONNECTIONS: Whole = Whole::range(1, 1000, "connections");

/// The wait for a pooled connection: under 100 ms turns a burst into 503s; over 10 minutes a
/// client has long given up.
const ACQUIRE_TIMEOUT_MS: Whole = Whole::range(100, 600_000, "milliseconds");

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
            database_url: super::database_url::resolve(file.database_url.as_ref(), sources)?,
            max_connections: sources.whole_u32(
                Setting::new("SLUICE_DB_MAX_CONNECTIONS", "[storage]", "max_connections"),
                file.max_connections.as_ref(),
                MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS,
            )?,
            acquire_timeout: Duration::from_millis(sources.whole(
                Setting::new(
                    "SLUICE_DB_ACQUIRE_TIMEOUT_MS",
                    "[storage]",
                    "acquire_timeout_ms",
                ),
                file.acquire_timeout_ms.as_ref(),
                ACQUIRE_TIMEOUT_MS,
                u64::try_from(DEFAULT_ACQUIRE_TIMEOUT.as_millis()).unwrap_or(5_000),
            )?),
            replica_id: super::replica_id::resolve(file.replica_id.as_ref(), sources)?,
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

    /// How to open the store: PostgreSQL when `database_url` is set, else the SQLite file,
    /// with this configuration's pool and replica id.
    pub fn store_options(&self) -> StoreOptions {
        let location = match &self.database_url {
            Some(url) => DatabaseLocation::Postgres(url.clone()),
            None => DatabaseLocation::Sqlite(self.database.clone()),
        };
        StoreOptions {
            location,
            max_connections: self.max_connections,
            acquire_timeout: self.acquire_timeout,
            replica_id: self.replica_id.clone(),
        }
    }
}
