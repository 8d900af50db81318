//! [ssr] How much one user stores, for the per-user storage quota (`server::limits::storage_quota`):
//! the bytes of every message's text plus every conversation's title and system prompt, plus
//! every attachment's stored bytes (pending uploads and sent files alike).
//! `octet_length` reads each value's size from its record header without loading the text,
//! so the sum costs one index walk over the user's rows.

use super::db::on_db;
use super::{Store, StoreError, UserId};

/// Bytes `$1` stores: text in messages, titles and system prompts, and attachments (their
/// `size_bytes`; PostgreSQL's SUM of a BIGINT is NUMERIC, hence the cast).
const STORED_BYTES: &str = "
    SELECT
      COALESCE((SELECT SUM(octet_length(m.content)) FROM messages m
                JOIN conversations c ON c.id = m.conversation_id
                WHERE c.user_id = $1), 0)
    + COALESCE((SELECT SUM(octet_length(title) + COALESCE(octet_length(system_prompt), 0))
                FROM conversations WHERE user_id = $1), 0)
    + COALESCE((SELECT CAST(SUM(size_bytes) AS BIGINT) FROM attachments
                WHERE user_id = $1), 0)";

impl Store {
    /// Bytes `user` stores (messages, titles, system prompts, attachments).
    pub async fn stored_bytes(&self, user: UserId) -> Result<u64, StoreError> {
        let bytes: i64 = on_db!(self.db(), |pool| {
            sqlx::query_scalar(STORED_BYTES)
                .bind(user.0)
                .fetch_one(pool)
                .await?
        });
        Ok(u64::try_from(bytes).unwrap_or(0))
    }
}
