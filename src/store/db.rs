//! [ssr] The two database backends behind [`crate::store::Store`]: a SQLite pool (the embedded
//! default) or a PostgreSQL pool, chosen once at start-up. Query files run their SQL through
//! [`on_db!`], which expands the same code once per backend, each arm with its own typed pool,
//! so every query is checked by the compiler against both drivers; where the dialects differ
//! the file picks its text with [`Dialects`]. Most SQL is shared: `$1`-style parameters,
//! `RETURNING`, `IS DISTINCT FROM`, `octet_length` and boolean expressions mean the same in
//! both.

/// Runs `$body` with `$pool` bound to the backend's typed pool (and `$backend` to its
/// [`Backend`]): one arm per backend, the same code in each.
macro_rules! on_db {
    ($db:expr, |$pool:ident, $backend:ident| $body:expr) => {
        match $db {
            $crate::store::db::Db::Sqlite($pool) => {
                let $backend = $crate::store::db::Backend::Sqlite;
                $body
            }
            $crate::store::db::Db::Postgres($pool) => {
                let $backend = $crate::store::db::Backend::Postgres;
                $body
            }
        }
    };
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::store::db::Db::Sqlite($pool) => $body,
            $crate::store::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

/// A pool of one backend.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    /// The embedded SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL server.
    Postgres(PgPool),
}

/// Which backend an [`on_db!`] arm runs on, for [`Dialects::get`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// One statement in each dialect, where they differ.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dialects {
    /// The SQLite text.
    pub sqlite: &'static str,
    /// The PostgreSQL text.
    pub postgres: &'static str,
}

impl Dialects {
    /// The text for `backend`.
    pub fn get(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

impl Db {
    /// Closes every connection, waiting for running statements.
    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }

    /// The backend of this pool.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }
}
