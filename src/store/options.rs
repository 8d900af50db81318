//! [ssr] What the store needs to open a database: where it is (a SQLite file or a PostgreSQL
//! URL), how many connections to pool, how long a request waits for one, and which replica
//! this process is. Built from `[storage]` of the configuration (`server::config::storage`);
//! tests and tools build it directly.

use std::path::PathBuf;
use std::time::Duration;

/// Default pool size: SQLite serialises writers anyway and readers run in parallel (WAL); on
/// PostgreSQL each replica holds this many server connections at most.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;

/// Default wait for a pooled connection before a request gets a 503: long enough for a burst,
/// short enough that a client is told quickly that the database is away.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Which database, and where. Its `Debug` never shows a password (options get logged).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// The embedded default: a SQLite file (created with its directory when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL server: a `postgres://` or `postgresql://` URL (it may hold a password,
    /// so it is never logged as it is: see [`StoreOptions::describe`]).
    Postgres(String),
}

/// How to open the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// The database.
    pub location: DatabaseLocation,
    /// Connections in the pool: a bound on what one process asks of the database server.
    pub max_connections: u32,
    /// How long a query waits for a pooled connection (or a new one) before the request is
    /// answered 503: a database that is down must not hang requests.
    pub acquire_timeout: Duration,
    /// This process's name among replicas: stored on the answers it streams, so that after a
    /// crash it recovers its own answers and never a live one of another replica.
    pub replica_id: String,
}

impl StoreOptions {
    /// A SQLite file with the default pool.
    pub fn sqlite(path: impl Into<PathBuf>) -> StoreOptions {
        StoreOptions::at(DatabaseLocation::Sqlite(path.into()))
    }

    /// A PostgreSQL URL with the default pool.
    pub fn postgres(url: impl Into<String>) -> StoreOptions {
        StoreOptions::at(DatabaseLocation::Postgres(url.into()))
    }

    /// `location` with the default pool and replica id `local`.
    pub fn at(location: DatabaseLocation) -> StoreOptions {
        StoreOptions {
            location,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            replica_id: "local".to_string(),
        }
    }

    /// The same options with another replica id.
    pub fn with_replica_id(mut self, replica_id: impl Into<String>) -> StoreOptions {
        self.replica_id = replica_id.into();
        self
    }

    /// The database for log lines and error sentences, without a password: `SQLite at
    /// data/sluice.db`, `PostgreSQL at db.internal:5432/sluice (user sluice)`.
    pub fn describe(&self) -> String {
        match &self.location {
            DatabaseLocation::Sqlite(path) => format!("SQLite at {}", path.display()),
            DatabaseLocation::Postgres(url) => describe_postgres_url(url),
        }
    }
}

impl std::fmt::Debug for DatabaseLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&describe_postgres_url(url))
                .finish(),
        }
    }
}

/// `PostgreSQL at HOST:PORT/DB (user U)` from a URL, leaving out the password and the query.
fn describe_postgres_url(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return "PostgreSQL (an unreadable URL)".to_string();
    };
    let host = parsed.host_str().unwrap_or("localhost");
    let port = parsed.port().unwrap_or(5432);
    let database = parsed.path().trim_start_matches('/');
    let user = match parsed.username() {
        "" => String::new(),
        name => format!(" (user {name})"),
    };
    format!("PostgreSQL at {host}:{port}/{database}{user}")
}

#[cfg(test)]
mod tests {
    use super::StoreOptions;

    #[test]
    fn descriptions_never_show_the_password() {
        let options =
            StoreOptions::postgres("postgres://app:s3cret@db.internal:6432/chat?sslmode=require");
        let text = options.describe();
        assert_eq!(text, "PostgreSQL at db.internal:6432/chat (user app)");
        assert!(!text.contains("s3cret"));
        assert!(!format!("{options:?}").contains("s3cret"), "{options:?}");
        assert_eq!(
            StoreOptions::postgres("postgresql://localhost/sluice").describe(),
            "PostgreSQL at localhost:5432/sluice"
        );
        assert_eq!(
            StoreOptions::sqlite("data/sluice.db").describe(),
            "SQLite at data/sluice.db"
        );
    }
}
