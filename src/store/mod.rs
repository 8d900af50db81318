//! [ssr] The storage layer: the only module that runs SQL. [`Store`] wraps a SQLite pool
//! (WAL, foreign keys on) and every query in it is scoped by the owning user, so no caller can
//! read or change another user's rows; unknown and foreign ids both give
//! [`StoreError::NotFound`]. Kept behind this one type so another database can follow.

mod accounts;
mod answer_writer;
mod conversations;
mod error;
mod ids;
mod import;
mod messages;
mod password;
mod presets;
mod recovery;
mod search;
mod session_token;
mod sessions;
mod usage;

pub use crate::conversation::{
    AnswerStats, Conversation, ConversationSummary, ConversationTree, Message, MessageStatus, Role,
};
pub use crate::preset::Preset;
pub use accounts::{Account, SignInError};
pub use answer_writer::{AnswerEnd, AnswerWriter, DEFAULT_FLUSH_INTERVAL};
pub use error::StoreError;
/// The store's clock, shared so that every timestamp the server writes uses one definition.
pub(crate) use ids::now_millis;
pub use ids::UserId;
pub use password::PasswordHashing;
pub use search::{MAX_SEARCH_CHARS, SHORT_SEARCH_MESSAGES};
pub use session_token::SESSION_TOKEN_BYTES;

use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteSynchronous;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The schema, embedded from `migrations/` at build time.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a statement waits for another writer before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections in the pool; SQLite serializes writers anyway, readers run in parallel (WAL).
const MAX_CONNECTIONS: u32 = 8;

/// The database handle; cheap to clone (a pool).
#[derive(Clone, Debug)]
pub struct Store {
    /// The connections; private so that SQL stays inside this module.
    pool: SqlitePool,
    /// Turns for searches ([`search::CONCURRENT_SEARCHES`] at once), shared by every clone:
    /// parallel searches must not take every pooled connection from sign-in and the rest.
    search_turns: Arc<Semaphore>,
    /// Bounds the password hashes running at once (memory, the blocking pool).
    hashing: PasswordHashing,
}

impl Store {
    /// Opens (creating the file and its parent directory if needed) the database at `path`,
    /// in WAL mode with foreign keys on, and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Once at start-up; a blocking call is fine here.
            std::fs::create_dir_all(dir)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses nothing on a process crash (only on power loss).
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Store {
            pool,
            search_turns: Arc::new(Semaphore::new(search::CONCURRENT_SEARCHES)),
            hashing: PasswordHashing::default(),
        })
    }

    /// This store with `hashing` bounding its password hashes (the default: one per core).
    pub fn with_password_hashing(mut self, hashing: PasswordHashing) -> Store {
        self.hashing = hashing;
        self
    }

    /// Closes every connection, waiting for running statements (checkpoints the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The gate bounding this store's password hashes.
    pub fn password_hashing(&self) -> &PasswordHashing {
        &self.hashing
    }

    /// The pool, for the query files of this module.
    fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
