//! [ssr] Start-up recovery: answers left `streaming` by a crash become `interrupted`, keeping
//! the text flushed before the crash. The one store query not scoped by a user: it runs once,
//! before serving. On SQLite (one process) that is every streaming answer; on PostgreSQL,
//! shared by replicas, only the answers this replica was writing (its `replica_id`) and those
//! no replica owns (copied from SQLite) — never a live answer of another replica.

use super::db::{on_db, Backend, Dialects};
use super::ids::now_millis;
use super::{Store, StoreError};

/// Marks streaming answers interrupted at `$1`; on PostgreSQL only those of replica `$2`.
const RECOVER: Dialects = Dialects {
    sqlite: "UPDATE messages SET status = 'interrupted', updated_at = $1
             WHERE status = 'streaming'",
    postgres: "UPDATE messages SET status = 'interrupted', updated_at = $1
               WHERE status = 'streaming' AND (replica_id = $2 OR replica_id IS NULL)",
};

impl Store {
    /// Marks this replica's `streaming` answers `interrupted` (see the module documentation);
    /// returns how many there were. Call once at start-up, before any new turn can start.
    pub async fn recover_interrupted(&self) -> Result<u64, StoreError> {
        let replica: &str = &self.replica_id;
        let done = on_db!(self.db(), |pool, backend| {
            let query = sqlx::query(RECOVER.get(backend)).bind(now_millis());
            let query = match backend {
                Backend::Sqlite => query,
                Backend::Postgres => query.bind(replica),
            };
            query.execute(pool).await?.rows_affected()
        });
        Ok(done)
    }
}
