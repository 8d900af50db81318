//! [ssr] Search on PostgreSQL: `ILIKE '%…%'` with every wildcard of the search escaped, so
//! each character is literal. Searches of 3 or more characters are answered by the pg_trgm GIN
//! indexes (the message index leaves out answers still streaming, as the query does); shorter
//! ones read every title and the user's [`SHORT_SEARCH_MESSAGES`] most recent messages.

use super::{MIN_INDEXED_CHARS, SHORT_SEARCH_MESSAGES};
use crate::conversation::ConversationSummary;
use crate::store::{StoreError, UserId};
use sqlx::PgPool;

/// Titles or finished messages matching the pattern `$2`.
const INDEXED_SEARCH: &str = "
    SELECT c.id, c.title, c.updated_at, c.pinned, c.archived_at, c.folder_id
    FROM conversations c
    WHERE c.user_id = $1 AND (
        c.title ILIKE $2
        OR c.id IN (SELECT m.conversation_id FROM messages m
                    WHERE m.status <> 'streaming' AND m.content ILIKE $2
                      AND m.conversation_id IN (SELECT id FROM conversations
                                                WHERE user_id = $1)))
    ORDER BY c.updated_at DESC, c.seq DESC";

/// Titles matching `$2`, or one of the user's `$3` most recent finished messages.
const SHORT_SEARCH: &str = "
    SELECT c.id, c.title, c.updated_at, c.pinned, c.archived_at, c.folder_id
    FROM conversations c
    WHERE c.user_id = $1 AND (
        c.title ILIKE $2
        OR c.id IN (SELECT r.conversation_id
                    FROM (SELECT m.conversation_id, m.content FROM messages m
                          JOIN conversations o ON o.id = m.conversation_id
                          WHERE o.user_id = $1 AND m.status <> 'streaming'
                          ORDER BY m.seq DESC LIMIT $3) r
                    WHERE r.content ILIKE $2))
    ORDER BY c.updated_at DESC, c.seq DESC";

/// The `ILIKE` pattern matching `search` anywhere: `\`, `%` and `_` escaped with `\` (the
/// default escape character of `LIKE`).
pub(super) fn contains_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Runs `search` (trimmed, not empty) for `user`.
pub(super) async fn search(
    pool: &PgPool,
    user: UserId,
    search: &str,
) -> Result<Vec<ConversationSummary>, StoreError> {
    // Stored text has U+FFFD where it had NUL (`store::text`); so has the search.
    let search = &*crate::store::text::storable(crate::store::db::Backend::Postgres, search);
    let indexed = search.chars().nth(MIN_INDEXED_CHARS - 1).is_some();
    let rows = if indexed {
        sqlx::query_as(INDEXED_SEARCH)
            .bind(user.0)
            .bind(contains_pattern(search))
            .fetch_all(pool)
            .await?
    } else {
        sqlx::query_as(SHORT_SEARCH)
            .bind(user.0)
            .bind(contains_pattern(search))
            .bind(SHORT_SEARCH_MESSAGES)
            .fetch_all(pool)
            .await?
    };
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_and_backslashes_are_escaped() {
        assert_eq!(contains_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(contains_pattern("a\\b"), "%a\\\\b%");
        assert_eq!(contains_pattern("ééé"), "%ééé%");
    }
}
