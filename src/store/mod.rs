//! [ssr] The storage layer: the only module that runs SQL. [`Store`] wraps a pool of one of two
//! backends ([`db`]): SQLite (the embedded default: WAL, foreign keys on) or PostgreSQL, chosen
//! by [`StoreOptions`]. Every query is scoped by the owning user, so no caller can read or
//! change another user's rows; unknown and foreign ids both give [`StoreError::NotFound`]. A
//! database that cannot be reached gives [`StoreError::Unavailable`] (HTTP 503), never a panic.

mod accounts;
mod answer_writer;
mod attachments;
mod conversations;
mod copy;
mod db;
mod error;
mod feedback;
mod folders;
mod ids;
mod import;
mod message_files;
mod messages;
mod options;
mod organise;
mod password;
mod presets;
mod recovery;
mod search;
mod session_token;
mod sessions;
mod shares;
mod text;
mod usage;

pub use crate::conversation::{
    AnswerStats, Conversation, ConversationSummary, ConversationTree, Message, MessageStatus, Role,
};
pub use crate::preset::Preset;
pub use accounts::{Account, SignInError};
pub use answer_writer::{AnswerEnd, AnswerWriter, DEFAULT_FLUSH_INTERVAL};
pub use attachments::{AttachmentFile, SENT_ATTACHMENT};
pub use copy::{copy_sqlite_to_postgres, CopyReport};
pub use error::StoreError;
/// The store's clock, shared so that every timestamp the server writes uses one definition.
pub(crate) use ids::now_millis;
pub use ids::UserId;
pub use import::ImportFile;
pub use message_files::StoredFile;
pub use options::{
    DatabaseLocation, StoreOptions, DEFAULT_ACQUIRE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
};
pub use organise::Placement;
pub use password::PasswordHashing;
pub use search::{MAX_SEARCH_CHARS, SHORT_SEARCH_MESSAGES};
pub use session_token::SESSION_TOKEN_BYTES;

use db::Db;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::SqliteSynchronous;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::Connection;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The SQLite schema, embedded from `migrations/sqlite/` at build time.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The PostgreSQL schema, embedded from `migrations/postgres/` at build time. sqlx holds a
/// PostgreSQL advisory lock while it migrates, so replicas starting at once apply each
/// migration exactly once (the others wait, then find it applied).
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a SQLite statement waits for another writer before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The database handle; cheap to clone (a pool).
#[derive(Clone, Debug)]
pub struct Store {
    /// The connections; private so that SQL stays inside this module.
    db: Db,
    /// This replica's id, stored on the answers it streams (see [`StoreOptions::replica_id`]).
    replica_id: Arc<str>,
    /// Turns for searches ([`search::CONCURRENT_SEARCHES`] at once), shared by every clone:
    /// parallel searches must not take every pooled connection from sign-in and the rest.
    search_turns: Arc<Semaphore>,
    /// Bounds the password hashes running at once (memory, the blocking pool).
    hashing: PasswordHashing,
}

impl Store {
    /// Opens the SQLite database at `path` with the default pool (see [`Store::connect`]).
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        Store::connect(&StoreOptions::sqlite(path)).await
    }

    /// Opens the database `options` name and applies pending migrations. SQLite: creates the
    /// file and its directory if needed, WAL mode, foreign keys on. PostgreSQL: connects,
    /// migrates under an advisory lock; a server that cannot be reached is
    /// [`StoreError::Unavailable`] (start-up retries, see `main.rs`).
    pub async fn connect(options: &StoreOptions) -> Result<Store, StoreError> {
        let db = match &options.location {
            DatabaseLocation::Sqlite(path) => Db::Sqlite(open_sqlite(path, options).await?),
            DatabaseLocation::Postgres(url) => Db::Postgres(open_postgres(url, options).await?),
        };
        Ok(Store {
            db,
            replica_id: Arc::from(options.replica_id.as_str()),
            search_turns: Arc::new(Semaphore::new(search::CONCURRENT_SEARCHES)),
            hashing: PasswordHashing::default(),
        })
    }

    /// This store with `hashing` bounding its password hashes (the default: one per core).
    pub fn with_password_hashing(mut self, hashing: PasswordHashing) -> Store {
        self.hashing = hashing;
        self
    }

    /// Closes every connection, waiting for running statements (checkpoints a SQLite WAL).
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Runs a trivial query: `Ok` when the database answers (the `/readyz` check).
    pub async fn ping(&self) -> Result<(), StoreError> {
        db::on_db!(self.db(), |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// The gate bounding this store's password hashes.
    pub fn password_hashing(&self) -> &PasswordHashing {
        &self.hashing
    }

    /// True on PostgreSQL (for tests and tools that report which backend ran).
    pub fn is_postgres(&self) -> bool {
        self.db.backend() == db::Backend::Postgres
    }

    /// The pool, for the query files of this module.
    fn db(&self) -> &Db {
        &self.db
    }
}

/// The SQLite pool on `path`, migrated.
async fn open_sqlite(path: &Path, options: &StoreOptions) -> Result<sqlx::SqlitePool, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Once at start-up; a blocking call is fine here.
        std::fs::create_dir_all(dir)?;
    }
    let connect = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // With WAL, NORMAL loses nothing on a process crash (only on power loss).
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await?;
    SQLITE_MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// The PostgreSQL pool at `url`, migrated.
async fn open_postgres(url: &str, options: &StoreOptions) -> Result<sqlx::PgPool, StoreError> {
    let connect = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Config(format!("the PostgreSQL URL is not valid: {e}")))?
        .application_name("sluice");
    // One direct connection first: when the server cannot be reached, its error says why
    // ("connection refused", a DNS failure) where the pool would only say it timed out.
    let probe = tokio::time::timeout(
        options.acquire_timeout,
        PgConnection::connect_with(&connect),
    )
    .await
    .map_err(|_| {
        StoreError::Unavailable(format!(
            "no answer within {} ms",
            options.acquire_timeout.as_millis()
        ))
    })??;
    probe.close().await?;
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await?;
    POSTGRES_MIGRATOR.run(&pool).await?;
    Ok(pool)
}
