//! What the migration tests compare between the SQLite source and the PostgreSQL copy: what
//! each user sees through the store (lists, JSON exports, trees, presets) and every column of
//! every row, with the insertion order.

use sluice::store::{Store, UserId};
use sluice::transfer::ExportDocument;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::path::Path;

/// Everything a user sees of the store, as text: the conversation list, every conversation's
/// JSON export (`exported_at` fixed) and its tree's debug form, and the presets.
pub async fn user_view(store: &Store, user: UserId) -> Vec<String> {
    let list = store.list_conversations(user, None).await.expect("list");
    let mut view = vec![format!("{list:?}")];
    for summary in &list {
        let tree = store
            .get_conversation(user, &summary.id)
            .await
            .expect("get");
        let document = ExportDocument::from_tree(&tree, 0);
        view.push(serde_json::to_string_pretty(&document).expect("export JSON"));
        view.push(format!("{tree:?}"));
    }
    let presets = store.list_presets(user).await.expect("presets");
    view.push(format!("{presets:?}"));
    view
}

/// The rows of `sql` on each side (same types on both: SQLite's 0/1 read as booleans), each
/// as its debug text, sorted.
async fn rows_of<T>(
    sqlite: &mut SqliteConnection,
    postgres: &mut PgConnection,
    sql: &str,
) -> (Vec<String>, Vec<String>)
where
    T: for<'r> sqlx::FromRow<'r, SqliteRow>
        + for<'r> sqlx::FromRow<'r, PgRow>
        + Send
        + Unpin
        + std::fmt::Debug,
{
    let text = |rows: Vec<T>| {
        let mut rows: Vec<String> = rows.iter().map(|row| format!("{row:?}")).collect();
        rows.sort();
        rows
    };
    let left = sqlx::query_as::<_, T>(sql)
        .fetch_all(sqlite)
        .await
        .expect(sql);
    let right = sqlx::query_as::<_, T>(sql)
        .fetch_all(postgres)
        .await
        .expect(sql);
    (text(left), text(right))
}

/// Every column of every row is the same in the SQLite file and the PostgreSQL copy, and
/// conversations, messages and presets are in the same insertion order (SQLite's rowid,
/// PostgreSQL's seq: the tie-breaker of every listing).
pub async fn every_row_is_the_same(sqlite_path: &Path, url: &str) {
    let mut sqlite = SqliteConnection::connect(&format!("sqlite://{}", sqlite_path.display()))
        .await
        .expect("open the source");
    let mut postgres = PgConnection::connect(url).await.expect("open the copy");
    type User = (i64, String, i64, Option<String>, bool, String, bool);
    type Session = (Vec<u8>, i64, i64, i64);
    type Conversation = (
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
    );
    type MessageText = (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
    );
    type MessageStats = (
        String,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<f64>,
        i64,
        i64,
        Option<String>,
        Option<String>,
    );
    type Preset = (String, i64, String, String, Option<String>, i64, i64);
    type Attachment = (
        String,
        i64,
        Option<String>,
        String,
        String,
        String,
        i64,
        Option<i32>,
        Option<i32>,
        Option<String>,
        Vec<u8>,
        i64,
    );
    type MessageAttachment = (String, String, i32);
    let checks = [
        rows_of::<User>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, name, created_at, password_hash, is_admin, status, is_builtin FROM users",
        )
        .await,
        rows_of::<Session>(
            &mut sqlite,
            &mut postgres,
            "SELECT token_hash, user_id, created_at, expires_at FROM sessions",
        )
        .await,
        rows_of::<Conversation>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, user_id, title, model, system_prompt, created_at, updated_at
             FROM conversations",
        )
        .await,
        rows_of::<MessageText>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, conversation_id, parent_id, role, content, status, error FROM messages",
        )
        .await,
        rows_of::<MessageStats>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, model, input_tokens, output_tokens, reasoning_tokens, ttft_ms,
                    tokens_per_second, created_at, updated_at, finish_reason, replica_id
             FROM messages",
        )
        .await,
        rows_of::<Preset>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, user_id, name, system_prompt, model, created_at, updated_at FROM presets",
        )
        .await,
        rows_of::<Attachment>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, user_id, conversation_id, name, kind, content_type, size_bytes, width,
                    height, text_content, bytes, created_at
             FROM attachments",
        )
        .await,
        rows_of::<MessageAttachment>(
            &mut sqlite,
            &mut postgres,
            "SELECT message_id, attachment_id, position FROM message_attachments",
        )
        .await,
    ];
    for (table, (source, copy)) in checks.into_iter().enumerate() {
        assert!(!source.is_empty(), "table {table} has rows to compare");
        assert_eq!(source, copy, "table {table}");
    }
    for table in ["conversations", "messages", "presets"] {
        let source: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT id FROM {table} ORDER BY rowid"))
                .fetch_all(&mut sqlite)
                .await
                .expect("source order");
        let copy: Vec<(String,)> = sqlx::query_as(&format!("SELECT id FROM {table} ORDER BY seq"))
            .fetch_all(&mut postgres)
            .await
            .expect("copy order");
        assert_eq!(source, copy, "{table} keep their insertion order");
    }
    sqlite.close().await.expect("close");
    postgres.close().await.expect("close");
}

/// Rows of every table of the target, as text, to show that a refused copy changed nothing.
pub async fn target_rows(url: &str) -> String {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    let (rows,): (String,) = sqlx::query_as(
        "SELECT concat_ws(' | ',
            (SELECT string_agg(concat_ws(',', id, name, created_at, is_admin, status, is_builtin),
                               ';' ORDER BY id) FROM users),
            (SELECT count(*) FROM sessions), (SELECT count(*) FROM conversations),
            (SELECT count(*) FROM messages), (SELECT count(*) FROM presets),
            (SELECT string_agg(concat_ws(',', id, updated_at), ';' ORDER BY id)
             FROM conversations))",
    )
    .fetch_one(&mut conn)
    .await
    .expect("read the target");
    conn.close().await.expect("close");
    rows
}
