//! [ssr] Start-up recovery: answers left `streaming` by a crash become `interrupted`, keeping
//! the text flushed before the crash. The one store query not scoped by a user: it runs once,
//! before serving, over every user's rows.

use super::ids::now_millis;
use super::{Store, StoreError};

impl Store {
    /// Marks every `streaming` answer `interrupted`; returns how many there were. Call once at
    /// start-up, before any new turn can start.
    pub async fn recover_interrupted(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE messages SET status = 'interrupted', updated_at = ? WHERE status = 'streaming'",
        )
        .bind(now_millis())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
