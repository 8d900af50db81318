//! [ssr] The one error type of the store: "not found" (unknown, malformed or another user's
//! id, all alike), "conflict" (a name already taken), "unavailable" (the database cannot be
//! reached: callers answer 503 and the pool reconnects by itself when it returns) versus
//! internal failures that callers log and hide.

/// What went wrong in a store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist, the id is malformed, or it belongs to another user (HTTP 404).
    #[error("not found")]
    NotFound,
    /// The change would break a uniqueness rule, such as a second preset with the same name
    /// (HTTP 409). The text is user-safe: it names only what the user sent.
    #[error("{0}")]
    Conflict(String),
    /// The database failed (a broken constraint, a bad statement: a bug).
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database cannot be reached (down, restarting, the network, every pooled connection
    /// busy past the wait): HTTP 503, retry soon. The text is for the log.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The schema could not be brought up to date at start-up.
    #[error("migration failed: {0}")]
    Migration(sqlx::migrate::MigrateError),
    /// The storage settings cannot work (an unreadable URL); the text says which.
    #[error("{0}")]
    Config(String),
    /// A password could not be hashed (no randomness for the salt: a broken system).
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// Every password-hashing slot stayed taken for the whole wait (HTTP 503, retry soon).
    #[error("The server is busy; try again in a few seconds.")]
    Busy,
    /// The data directory could not be created.
    #[error("cannot create the data directory: {0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if is_unreachable(&error) {
            Self::Unavailable(error.to_string())
        } else {
            Self::Database(error)
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        match error {
            sqlx::migrate::MigrateError::Execute(inner) if is_unreachable(&inner) => {
                Self::Unavailable(inner.to_string())
            }
            other => Self::Migration(other),
        }
    }
}

/// True when `error` says the database server could not be reached or went away, rather than
/// that a statement was wrong: I/O and TLS failures, a pool wait that timed out or a closed
/// pool, and PostgreSQL's connection-exception and shutdown codes (SQLSTATE classes 08 and 57P).
fn is_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

impl StoreError {
    /// True for [`StoreError::NotFound`], which callers turn into a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound)
    }

    /// True for [`StoreError::Busy`] and [`StoreError::Unavailable`], which callers turn into
    /// a 503 with `Retry-After` and [`StoreError::public_busy_message`].
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Busy | Self::Unavailable(_))
    }

    /// True for [`StoreError::Unavailable`]: the database cannot be reached.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }

    /// The sentence a client gets for a busy or unavailable store (503).
    pub fn public_busy_message(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => {
                "The database is unavailable right now; try again in a few seconds. \
                 Nothing you sent was lost."
            }
            _ => "The server is busy; try again in a few seconds.",
        }
    }

    /// The user-safe text of a [`StoreError::Conflict`], which callers turn into a 409.
    pub fn conflict_message(&self) -> Option<&str> {
        match self {
            Self::Conflict(message) => Some(message),
            _ => None,
        }
    }
}

/// `NotFound` when a scoped statement touched no row.
pub(crate) fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
