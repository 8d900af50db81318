//! The storage layer on temporary SQLite files: migrations, the message tree, owner scoping,
//! batched answer writing, start-up recovery, crash safety
//! and search.

mod answers;
mod scoping;
mod search;
mod tree;

use sluice::store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// A database file under the system temp dir, deleted (with its WAL files) on drop.
pub struct TempDb {
    /// Path of the database file.
    pub path: PathBuf,
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
        }
    }

    /// Opens the store on this file.
    pub async fn open(&self) -> Store {
        Store::open(&self.path).await.expect("open store")
    }

    /// Adds user `id` directly (accounts come later); the store only needs the row to exist.
    pub async fn add_user(&self, id: i64, name: &str) {
        use sqlx::Connection;
        let url = format!("sqlite://{}", self.path.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("INSERT INTO users (id, name, created_at) VALUES (?, ?, 0)")
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
    assert!(db.path.exists(), "the file and its directory are created");
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
