//! [ssr] The one error type of the store: "not found" (unknown, malformed or another user's
//! id, all alike), "conflict" (a name already taken) versus internal failures that callers log
//! and hide.

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
    /// The database failed (I/O, busy for too long, a broken constraint: a bug).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date at start-up.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
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

impl StoreError {
    /// True for [`StoreError::NotFound`], which callers turn into a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound)
    }

    /// True for [`StoreError::Busy`], which callers turn into a 503 with `Retry-After`.
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Busy)
    }

    /// The user-safe text of a [`StoreError::Conflict`], which callers turn into a 409.
    pub fn conflict_message(&self) -> Option<&str> {
        match self {
            Self::Conflict(message) => Some(message),
            _ => None,
        }
    }
}
