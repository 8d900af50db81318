//! The database a storage benchmark runs on (`storebench`, `searchbench`, `flushbench` include
//! this file with `#[path]`): SQLite in a temporary directory, or a fresh PostgreSQL database
//! created for the run on the server `SLUICE_TEST_DATABASE_URL` names (`make bench` starts a
//! throwaway one with `tools/with-postgres.sh`, fsync on) and dropped at the end; and what the
//! report says about that server.

use sqlx::{Connection, PgConnection};

/// The environment variable naming a PostgreSQL server the benchmark may create databases on
/// (the same one the tests use; an admin URL such as `postgres://postgres@127.0.0.1:PORT/postgres`).
pub const SERVER_VAR: &str = "SLUICE_TEST_DATABASE_URL";

/// One of the store's two backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: a SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// Parses `--backends sqlite,postgres`.
    pub fn parse_list(value: &str) -> Result<Vec<Backend>, String> {
        value
            .split(',')
            .map(|name| match name.trim() {
                "sqlite" => Ok(Backend::Sqlite),
                "postgres" => Ok(Backend::Postgres),
                other => Err(format!("bad backend {other} (sqlite or postgres)")),
            })
            .collect()
    }
}

/// A PostgreSQL database made for one run of one benchmark, dropped by [`PgDatabase::remove`].
pub struct PgDatabase {
    /// Its URL, for the app's pool and the benchmark's connection.
    pub url: String,
    /// The server's admin URL (`SLUICE_TEST_DATABASE_URL`), to drop it.
    admin_url: String,
    /// Its name (`sluice_bench_<tool>_<pid>`).
    name: String,
}

impl PgDatabase {
    /// Creates an empty database named after `tool` and this process on the server
    /// `SLUICE_TEST_DATABASE_URL` names.
    pub async fn create(tool: &str) -> Result<PgDatabase, String> {
        let admin_url = std::env::var(SERVER_VAR)
            .ok()
            .filter(|url| !url.is_empty())
            .ok_or_else(|| {
                format!(
                    "the PostgreSQL rows need {SERVER_VAR}, a server the benchmark may create \
                     a database on: run it through `bash tools/with-postgres.sh` (a throwaway \
                     server, as `make bench` does), or pass `--backends sqlite`"
                )
            })?;
        let name = format!("sluice_bench_{tool}_{}", std::process::id());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .map_err(|e| format!("cannot connect to {SERVER_VAR}: {e}"))?;
        // The name is ours (letters, digits, underscores): nothing to quote.
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await
            .map_err(|e| format!("cannot drop an old {name}: {e}"))?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .map_err(|e| format!("cannot create the database {name}: {e}"))?;
        let _ = admin.close().await;
        let mut url =
            url::Url::parse(&admin_url).map_err(|e| format!("{SERVER_VAR} is not a URL: {e}"))?;
        url.set_path(&format!("/{name}"));
        Ok(PgDatabase {
            url: url.to_string(),
            admin_url,
            name,
        })
    }

    /// Drops the database (closing what still uses it).
    pub async fn remove(self) -> Result<(), String> {
        let mut admin = PgConnection::connect(&self.admin_url)
            .await
            .map_err(|e| format!("cannot connect to {SERVER_VAR}: {e}"))?;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin)
        .await
        .map_err(|e| format!("cannot drop the database {}: {e}", self.name))?;
        let _ = admin.close().await;
        Ok(())
    }
}

/// The server's version and durability settings, for the report: the rows mean little
/// without them (`fsync off` would make every commit nearly free).
pub async fn postgres_settings(conn: &mut PgConnection) -> Result<String, String> {
    let mut values = Vec::new();
    for setting in [
        "server_version",
        "fsync",
        "synchronous_commit",
        "shared_buffers",
    ] {
        let value: String = sqlx::query_scalar(&format!("SHOW {setting}"))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| format!("cannot read {setting}: {e}"))?;
        values.push(value);
    }
    Ok(format!(
        "PostgreSQL {} on loopback TCP, `fsync = {}`, `synchronous_commit = {}`, `shared_buffers = {}`",
        values[0], values[1], values[2], values[3]
    ))
}
