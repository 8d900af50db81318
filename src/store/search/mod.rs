//! [ssr] Searching a user's conversations by title and message text: a substring match,
//! case-insensitive, every character literal (`%`, `_`, quotes, `*`, `AND`, parentheses,
//! backslashes … are never syntax). The cost is bounded whatever the input:
//!
//! - at most [`MAX_SEARCH_CHARS`] characters (the API refuses longer ones with a 400);
//! - 3 or more characters: an index lookup. SQLite ([`sqlite`]): the FTS5 trigram indexes
//!   `title_search` and `message_search` (migrations/sqlite/20261207112000_search_index.sql),
//!   the search quoted as one FTS5 phrase, so it is never parsed as FTS syntax; case folding
//!   is Unicode's. PostgreSQL ([`postgres`]): `ILIKE` with `%`, `_` and `\` escaped, answered
//!   by the pg_trgm GIN indexes of migrations/postgres/0001_schema.sql; case folding is the
//!   database's (Unicode with a UTF-8 `LC_CTYPE`);
//! - 1 or 2 characters (too short for a trigram), or on SQLite a search containing NUL (FTS5
//!   reads both a query and an indexed text only up to the first NUL): every title, plus the
//!   text of the user's [`SHORT_SEARCH_MESSAGES`] most recent messages, compared without an
//!   index (SQLite: `instr`, ASCII case folding; PostgreSQL: the same `ILIKE`). For the same
//!   reason, text after a NUL inside a message is found on SQLite only by this scan.
//!   PostgreSQL stores NUL as U+FFFD (see `store::text`), and a search's NUL becomes U+FFFD
//!   too, so it finds what it would find on SQLite.
//!
//! Archived conversations are found too (their `archived_at` marks them in the results).
//! Answers still streaming are not in the index (a flush must not re-index the whole text);
//! they are found once they end. At most [`CONCURRENT_SEARCHES`] searches run at once, so
//! searches never hold every pooled connection: sign-in and session lookups do not queue
//! behind them.

mod postgres;
mod sqlite;

use super::db::Db;
use super::{Store, StoreError, UserId};
use crate::conversation::ConversationSummary;

/// The longest search, in characters (Unicode scalar values) after trimming.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The shortest search the trigram index can answer.
const MIN_INDEXED_CHARS: usize = 3;

/// How many of the user's most recent messages a 1–2 character search reads.
pub const SHORT_SEARCH_MESSAGES: i64 = 1000;

/// Searches running at once; the others wait for a turn without holding a connection. One:
/// a worst-case search (a long phrase of common trigrams) takes tens of ms of one core, so
/// the other connections (pool of 8) and cores stay free for sign-in, session lookups and
/// answers (see `examples/searchbench.rs`).
pub(super) const CONCURRENT_SEARCHES: usize = 1;

impl Store {
    /// The user's conversations whose title or any (not streaming) message contains `search`
    /// (trimmed, not empty), most recently active first. See the module documentation for the
    /// semantics and costs.
    pub(in crate::store) async fn search_conversations(
        &self,
        user: UserId,
        search: &str,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        // Closed never: the semaphore lives as long as the store.
        let _turn = self
            .search_turns
            .acquire()
            .await
            .map_err(|_| StoreError::Io(std::io::Error::other("search queue closed")))?;
        match self.db() {
            Db::Sqlite(pool) => sqlite::search(pool, user, search).await,
            Db::Postgres(pool) => postgres::search(pool, user, search).await,
        }
    }
}
