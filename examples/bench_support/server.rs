//! The app served in the benchmark's own process, for the examples that measure through the
//! real router (`storebench`, `searchbench`): a temporary data directory, the configuration
//! built from environment-like pairs, the store (the SQLite file in the data directory, or a
//! PostgreSQL database when given its URL), a second connection of the benchmark's own to the
//! same database ([`Direct`]), and the router on a loopback port. Those examples include this
//! file and `backend.rs` with `#[path]` (the others have no use for them).

use sluice::server::{catalog::Catalog, config::Config, state::AppState};
use sluice::store::Store;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, SqliteConnection};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The benchmark's own connection to the database the app uses.
pub enum Direct {
    /// To the SQLite file.
    Sqlite(SqliteConnection),
    /// To the PostgreSQL database.
    Postgres(PgConnection),
}

impl Direct {
    /// Runs `sql` (one or more statements, no parameters).
    pub async fn execute(&mut self, sql: &str) -> Result<(), String> {
        match self {
            Direct::Sqlite(conn) => sqlx::raw_sql(sql).execute(conn).await.map(drop),
            Direct::Postgres(conn) => sqlx::raw_sql(sql).execute(conn).await.map(drop),
        }
        .map_err(|e| e.to_string())
    }
}

/// A temporary data directory, removed on drop.
pub struct DataDir(pub PathBuf);

impl DataDir {
    /// A fresh (emptied) directory in the temporary folder, named after `tool` and this
    /// process, so two runs never share a database.
    pub fn fresh(tool: &str) -> Self {
        let dir =
            DataDir(std::env::temp_dir().join(format!("sluice-{tool}-{}", std::process::id())));
        let _ = std::fs::remove_dir_all(&dir.0);
        dir
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The app served in this process.
pub struct App {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its state (the store, to insert the long conversation; the configuration it runs with).
    pub state: AppState,
}

impl App {
    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Builds the configuration from `env` (plus the data directory, `database_url` when the app
/// is to run on PostgreSQL, and no Ollama detection), opens the store and serves the real
/// router on a loopback port (until the process ends); also returns a connection of the
/// benchmark's own to the same database.
pub async fn start_app(
    data_dir: &Path,
    database_url: Option<&str>,
    env: &[(&str, String)],
) -> Result<(App, Direct), String> {
    let mut env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    env.insert("SLUICE_DATA_DIR".into(), data_dir.display().to_string());
    env.insert("SLUICE_DETECT_OLLAMA".into(), "false".into());
    if let Some(url) = database_url {
        env.insert("SLUICE_DATABASE_URL".into(), url.to_string());
    }
    let config = Config::from_parts(None, None, &env)?;
    let store = Store::connect(&config.storage.store_options())
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let direct = match database_url {
        Some(url) => PgConnection::connect(url).await.map(Direct::Postgres),
        None => SqliteConnectOptions::new()
            .filename(&config.storage.database)
            .busy_timeout(Duration::from_secs(5))
            .connect()
            .await
            .map(Direct::Sqlite),
    }
    .map_err(|e| format!("cannot open the benchmark's connection: {e}"))?;
    let catalog = Catalog::build(&config).await?;
    let state = AppState::new(config, catalog, store)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("sluice")
        .site_root("target/site")
        .site_addr(addr)
        .build();
    let server_state = state.clone();
    tokio::spawn(async move {
        let _ = sluice::server::run(listener, server_state, options, std::future::pending()).await;
    });
    Ok((App { addr, state }, direct))
}

/// The 1-minute load average from /proc ("?" when unreadable).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
