//! [ssr] Search on SQLite: the FTS5 trigram indexes for 3 or more characters, a bounded scan
//! of titles and recent messages for shorter searches or ones containing NUL (see the parent
//! module for the semantics).

use super::{MIN_INDEXED_CHARS, SHORT_SEARCH_MESSAGES};
use crate::conversation::ConversationSummary;
use crate::store::{StoreError, UserId};
use sqlx::SqlitePool;

/// Titles or messages matching the FTS query `?2`.
const INDEXED_SEARCH: &str = "
    SELECT c.id, c.title, c.updated_at, c.pinned, c.archived_at, c.folder_id
    FROM conversations c
    WHERE c.user_id = ?1 AND (
        c.rowid IN (SELECT rowid FROM title_search WHERE title_search MATCH ?2)
        OR c.id IN (SELECT m.conversation_id FROM message_search s
                    JOIN messages m ON m.rowid = s.rowid
                    WHERE s.message_search MATCH ?2))
    ORDER BY c.updated_at DESC, c.rowid DESC";

/// Titles containing `?2`, or one of the user's `?3` most recent messages (ASCII case folding).
const SHORT_SEARCH: &str = "
    SELECT c.id, c.title, c.updated_at, c.pinned, c.archived_at, c.folder_id
    FROM conversations c
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

/// Runs `search` (trimmed, not empty) for `user`.
pub(super) async fn search(
    pool: &SqlitePool,
    user: UserId,
    search: &str,
) -> Result<Vec<ConversationSummary>, StoreError> {
    let rows = match plan(search) {
        Plan::Indexed(query) => {
            sqlx::query_as(INDEXED_SEARCH)
                .bind(user.0)
                .bind(query)
                .fetch_all(pool)
                .await?
        }
        Plan::Short(text) => {
            sqlx::query_as(SHORT_SEARCH)
                .bind(user.0)
                .bind(text)
                .bind(SHORT_SEARCH_MESSAGES)
                .fetch_all(pool)
                .await?
        }
    };
    Ok(rows)
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
