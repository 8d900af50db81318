//! [ssr] Searching a user's conversations by title and message text: a substring match,
//! case-insensitive, every character literal (`%`, `_`, quotes, `*`, `AND`, parentheses,
//! backslashes … are never syntax). The cost is bounded whatever the input:
//!
//! - at most [`MAX_SEARCH_CHARS`] characters (the API refuses longer ones with a 400);
//! - 3 or more characters: a lookup in the FTS5 trigram indexes `title_search` and
//!   `message_search` (migrations/20261207112000_search_index.sql), the search quoted as one
//!   FTS5 phrase, so it is never parsed as FTS syntax. Case folding is Unicode's;
//! - 1 or 2 characters (too short for a trigram), or a search containing NUL (FTS5 reads
//!   both a query and an indexed text only up to the first NUL): every title, plus the text of
//!   the user's [`SHORT_SEARCH_MESSAGES`] most recent messages, compared with `instr` (ASCII
//!   case folding). For the same reason, text after a NUL inside a message is found only by
//!   this scan.
//!
//! Answers still streaming are not in the index (a flush must not re-index the whole text);
//! they are found once they end. At most [`CONCURRENT_SEARCHES`] searches run at once, so
//! searches never hold every pooled connection: sign-in and session lookups do not queue
//! behind them.

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

/// Titles or messages matching the FTS query `?2`.
const INDEXED_SEARCH: &str = "
    SELECT c.id, c.title, c.updated_at FROM conversations c
    WHERE c.user_id = ?1 AND (
        c.rowid IN (SELECT rowid FROM title_search WHERE title_search MATCH ?2)
        OR c.id IN (SELECT m.conversation_id FROM message_search s
                    JOIN messages m ON m.rowid = s.rowid
                    WHERE s.message_search MATCH ?2))
    ORDER BY c.updated_at DESC, c.rowid DESC";

/// Titles containing `?2`, or one of the user's `?3` most recent messages (ASCII case folding).
const SHORT_SEARCH: &str = "
    SELECT c.id, c.title, c.updated_at FROM conversations c
    WHERE c.user_id = ?1 AND (
        instr(lower(c.title), ?2) > 0
        OR c.id IN (SELECT m.conversation_id FROM messages m
                    WHERE m.rowid IN (SELECT r.rowid FROM conversations o
                                      JOIN messages r ON r.conversation_id = o.id
                                      WHERE o.user_id = ?1
                                      ORDER BY r.rowid DESC LIMIT ?3)
                      AND instr(lower(m.content), ?2) > 0))
    ORDER BY c.updated_at DESC, c.rowid DESC";

/// How a search is run.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    /// An FTS5 query: the search as one quoted phrase.
    Indexed(String),
    /// A scan for the ASCII-lowercased text (too short for the trigram index, or with a NUL).
    Short(String),
}

/// Chooses how to run `search` (trimmed, not empty). Inside double quotes nothing is FTS5
/// syntax but the quote itself, which is doubled.
fn plan(search: &str) -> Plan {
    if search.chars().nth(MIN_INDEXED_CHARS - 1).is_none() || search.contains('\0') {
        return Plan::Short(search.to_ascii_lowercase());
    }
    Plan::Indexed(format!("\"{}\"", search.replace('"', "\"\"")))
}

impl Store {
    /// The user's conversations whose title or any (not streaming) message contains `search`
    /// (trimmed, not empty), most recently active first. See the module documentation for the
    /// semantics and costs.
    pub(super) async fn search_conversations(
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
        let rows = match plan(search) {
            Plan::Indexed(query) => {
                sqlx::query_as(INDEXED_SEARCH)
                    .bind(user.0)
                    .bind(query)
                    .fetch_all(self.pool())
                    .await?
            }
            Plan::Short(text) => {
                sqlx::query_as(SHORT_SEARCH)
                    .bind(user.0)
                    .bind(text)
                    .bind(SHORT_SEARCH_MESSAGES)
                    .fetch_all(self.pool())
                    .await?
            }
        };
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::{plan, Plan};

    #[test]
    fn searches_become_one_quoted_phrase_or_a_short_scan() {
        assert_eq!(
            plan("a \"b\" OR c*"),
            Plan::Indexed("\"a \"\"b\"\" OR c*\"".into())
        );
        assert_eq!(plan("\"\"\""), Plan::Indexed("\"\"\"\"\"\"\"\"".into()));
        assert_eq!(plan("Ab"), Plan::Short("ab".into()));
        assert_eq!(plan("%"), Plan::Short("%".into()));
        assert_eq!(plan("Abc\0def"), Plan::Short("abc\0def".into()));
        // Three characters, not three bytes.
        assert_eq!(plan("éé"), Plan::Short("éé".into()));
        assert_eq!(plan("ééé"), Plan::Indexed("\"ééé\"".into()));
    }
}
