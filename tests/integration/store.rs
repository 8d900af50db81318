//! The storage layer on a database of its own per test: a temporary SQLite file, or a fresh
//! PostgreSQL database when the run is on that backend (see `support::test_database`):
//! migrations, the message tree, owner scoping, batched answer writing, start-up recovery,
//! crash safety and search.

mod answers;
mod replicas;
mod scoping;
mod search;
mod tree;

use crate::support::test_database::{backend_under_test, fresh_postgres_url};
use sluice::store::{Store, StoreOptions};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::OnceCell;

/// A test's database: a file under the system temp dir, deleted (with its WAL files) on drop;
/// on the PostgreSQL backend a fresh database on the test server instead (the file is then
/// never created).
pub struct TempDb {
    /// Path of the database file (SQLite).
    pub path: PathBuf,
    /// The URL of this test's PostgreSQL database, created at the first [`TempDb::open`] or
    /// [`TempDb::add_user`] (creating one needs the async runtime; [`TempDb::new`] is not
    /// async). Unset on SQLite.
    postgres: OnceCell<String>,
}

impl TempDb {
    /// A fresh, unique path (the file does not exist yet), inside a new subdirectory so that
    /// `Store::open` has to create the parent directory too.
    pub fn new() -> TempDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sluice-store-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDb {
            path: dir.join("data").join("sluice.db"),
            postgres: OnceCell::new(),
        }
    }

    /// The URL of this test's PostgreSQL database, `None` on SQLite.
    pub async fn postgres_url(&self) -> Option<&str> {
        if backend_under_test() != "postgres" {
            return None;
        }
        let url = self
            .postgres
            .get_or_init(|| async { fresh_postgres_url().await.expect("the postgres backend") })
            .await;
        Some(url.as_str())
    }

    /// Opens the store on this database.
    pub async fn open(&self) -> Store {
        match self.postgres_url().await {
            Some(url) => Store::connect(&StoreOptions::postgres(url)).await,
            None => Store::open(&self.path).await,
        }
        .expect("open store")
    }

    /// Adds user `id` directly (accounts come later); the store only needs the row to exist.
    pub async fn add_user(&self, id: i64, name: &str) {
        const INSERT: &str = "INSERT INTO users (id, name, created_at) VALUES ($1, $2, 0)";
        if let Some(url) = self.postgres_url().await {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(INSERT)
                .bind(id)
                .bind(name)
                .execute(&mut conn)
                .await
                .unwrap();
            // An explicit id does not move the identity; the next sign-up must not collide.
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))",
            )
            .execute(&mut conn)
            .await
            .unwrap();
            conn.close().await.unwrap();
            return;
        }
        let url = format!("sqlite://{}", self.path.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(INSERT)
            .bind(id)
            .bind(name)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        if let Some(dir) = self.path.parent().and_then(|p| p.parent()) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[tokio::test]
async fn migrations_apply_and_reopen_is_idempotent() {
    let db = TempDb::new();
    let store = db.open().await;
    if backend_under_test() == "sqlite" {
        assert!(db.path.exists(), "the file and its directory are created");
    }
    let c = store
        .create_conversation(
            sluice::store::UserId::LOCAL,
            "Hello",
            Some("demo/echo"),
            None,
        )
        .await
        .expect("create under the built-in local user");
    store.close().await;
    let store = db.open().await;
    let tree = store
        .get_conversation(sluice::store::UserId::LOCAL, &c.id)
        .await
        .expect("still there after reopening");
    assert_eq!(tree.conversation, c);
    assert!(tree.messages.is_empty());
}
