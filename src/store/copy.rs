//! [ssr] `sluice migrate-to-postgres`: copies a SQLite database into an empty PostgreSQL one,
//! every row exactly (ids, timestamps, every column), in one transaction on the target. Users
//! (the built-in row 1 is updated, the others inserted), sessions, conversations, messages and
//! presets are read in rowid order from one read snapshot of the source, so parents come
//! before children and PostgreSQL's `seq` columns (the tie-breaker standing in for rowid) get
//! the source's order. The insert trigger that moves a conversation up its owner's list is
//! undone afterwards by writing back every conversation's `updated_at`. A target that holds
//! anything besides the untouched built-in user is refused before anything is written. The
//! one change: a NUL character, which PostgreSQL's text cannot hold, becomes U+FFFD as in
//! every write of the store ([`super::text`]).

use super::db::{Backend, Db};
use super::text::storable;
use super::{Store, StoreError, StoreOptions};
use futures::TryStreamExt;
use sqlx::postgres::Postgres;
use sqlx::query_builder::Separated;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgConnection, QueryBuilder, SqliteConnection};
use std::path::Path;

/// Rows sent to PostgreSQL per INSERT: far below its 65,535 parameters (17 per message), and
/// few round trips for a large database.
const BATCH: usize = 500;

/// What a copy wrote, table by table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Users, the built-in row 1 included.
    pub users: u64,
    /// Sign-in sessions (so nobody has to sign in again).
    pub sessions: u64,
    /// Conversations.
    pub conversations: u64,
    /// Messages of every branch.
    pub messages: u64,
    /// Presets.
    pub presets: u64,
}

impl std::fmt::Display for CopyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {}, {}, {}, {}",
            counted(self.users, "user"),
            counted(self.sessions, "session"),
            counted(self.conversations, "conversation"),
            counted(self.messages, "message"),
            counted(self.presets, "preset")
        )
    }
}

/// `1 user`, `2 users`.
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Copies the SQLite database at `from` (which must exist: it is never created) into the
/// PostgreSQL database at `to` (its schema is brought up to date first), which must be empty.
/// The error is a sentence for the operator that never contains the URL's password; on any
/// error the target is left as it was (its schema aside).
pub async fn copy_sqlite_to_postgres(from: &Path, to: &str) -> Result<CopyReport, String> {
    copy(from, to)
        .await
        .map_err(|sentence| without_password(sentence, to))
}

/// [`copy_sqlite_to_postgres`] before the password is taken out of its sentences.
async fn copy(from: &Path, to: &str) -> Result<CopyReport, String> {
    let lower = to.to_ascii_lowercase();
    if !(lower.starts_with("postgres://") || lower.starts_with("postgresql://")) {
        return Err(
            "the target must be a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
                .to_string(),
        );
    }
    let source_options = StoreOptions::sqlite(from);
    let target_options = StoreOptions::postgres(to);
    if !from.is_file() {
        return Err(format!(
            "there is no SQLite database file at {}: nothing was copied",
            from.display()
        ));
    }
    let source = Store::open(from).await.map_err(|e| {
        format!(
            "cannot open the database {}: {e}",
            source_options.describe()
        )
    })?;
    let target = match Store::connect(&target_options).await {
        Ok(target) => target,
        Err(e) => {
            source.close().await;
            return Err(format!(
                "cannot open the database {}: {e}",
                target_options.describe()
            ));
        }
    };
    let copied = copy_rows(&source, &target).await;
    source.close().await;
    target.close().await;
    copied.map_err(|e| match e {
        Refused::NotEmpty => format!(
            "the database {} is not empty (it has accounts, sessions, conversations or presets): \
             nothing was copied; migrate into a new, empty database",
            target_options.describe()
        ),
        Refused::Store(e) => format!(
            "copying into the database {} failed, nothing was copied: {e}",
            target_options.describe()
        ),
    })
}

/// Why [`copy_rows`] wrote nothing.
enum Refused {
    /// The target already holds data.
    NotEmpty,
    /// A statement failed (the transaction was rolled back).
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(error: StoreError) -> Self {
        Refused::Store(error)
    }
}

impl From<sqlx::Error> for Refused {
    fn from(error: sqlx::Error) -> Self {
        Refused::Store(error.into())
    }
}

/// Copies every table from `source` (SQLite) to `target` (PostgreSQL) in one transaction on
/// each side: a read snapshot of the source, an all-or-nothing write of the target.
async fn copy_rows(source: &Store, target: &Store) -> Result<CopyReport, Refused> {
    let (Db::Sqlite(source), Db::Postgres(target)) = (source.db(), target.db()) else {
        return Err(Refused::Store(StoreError::Config(
            "the copy goes from SQLite to PostgreSQL".to_string(),
        )));
    };
    let mut src = source.begin().await?;
    let mut dst = target.begin().await?;
    // Writers wait until the copy commits; a second copy then finds the target not empty.
    sqlx::query(
        "LOCK TABLE users, sessions, conversations, messages, presets
         IN SHARE ROW EXCLUSIVE MODE",
    )
    .execute(&mut *dst)
    .await?;
    let (occupied,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM users WHERE NOT (id = 1 AND is_builtin))
             OR EXISTS (SELECT 1 FROM sessions)
             OR EXISTS (SELECT 1 FROM conversations)
             OR EXISTS (SELECT 1 FROM presets)",
    )
    .fetch_one(&mut *dst)
    .await?;
    if occupied {
        return Err(Refused::NotEmpty);
    }
    let report = CopyReport {
        users: copy_table(&mut src, &mut dst, &USERS).await?,
        sessions: copy_table(&mut src, &mut dst, &SESSIONS).await?,
        conversations: copy_table(&mut src, &mut dst, &CONVERSATIONS).await?,
        messages: copy_table(&mut src, &mut dst, &MESSAGES).await?,
        presets: copy_table(&mut src, &mut dst, &PRESETS).await?,
    };
    restore_activity_times(&mut src, &mut dst).await?;
    // Accounts created after the copy continue after the highest copied id.
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))",
    )
    .execute(&mut *dst)
    .await?;
    dst.commit().await?;
    src.rollback().await?;
    Ok(report)
}

/// Writes back every conversation's `updated_at` as the source has it: the target's insert
/// trigger `messages_touch_conversation` moved it when the conversation's messages arrived.
async fn restore_activity_times(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
) -> Result<(), StoreError> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT id, updated_at FROM conversations")
        .fetch_all(&mut *src)
        .await?;
    let (ids, times): (Vec<String>, Vec<i64>) = rows.into_iter().unzip();
    sqlx::query(
        "UPDATE conversations c SET updated_at = v.updated_at
         FROM UNNEST($1::text[], $2::bigint[]) AS v (id, updated_at)
         WHERE c.id = v.id",
    )
    .bind(ids)
    .bind(times)
    .execute(&mut *dst)
    .await?;
    Ok(())
}

/// How one table is copied: the source query (every column, in rowid order), the target's
/// INSERT up to `VALUES`, what follows the values, and how one row is bound.
struct Table<R> {
    /// `SELECT … FROM t ORDER BY rowid` on SQLite.
    select: &'static str,
    /// `INSERT INTO t (…) ` on PostgreSQL, the same columns in the same order.
    insert: &'static str,
    /// Appended after the values (`ON CONFLICT …`), or empty.
    tail: &'static str,
    /// Binds one row's columns.
    bind: for<'q, 'args> fn(&mut Separated<'q, 'args, Postgres, &'static str>, R),
}

/// Streams `table`'s rows from the source and inserts them into the target [`BATCH`] at a
/// time; the number of rows copied.
async fn copy_table<R>(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    table: &Table<R>,
) -> Result<u64, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, SqliteRow> + Send + Unpin,
{
    let mut rows = sqlx::query_as::<_, R>(table.select).fetch(&mut *src);
    let mut batch: Vec<R> = Vec::with_capacity(BATCH);
    let mut copied = 0;
    loop {
        let row = rows.try_next().await?;
        let end = row.is_none();
        batch.extend(row);
        if batch.len() == BATCH || (end && !batch.is_empty()) {
            let mut insert = QueryBuilder::<Postgres>::new(table.insert);
            insert.push_values(batch.drain(..), |mut values, row| {
                (table.bind)(&mut values, row)
            });
            insert.push(table.tail);
            copied += insert.build().execute(&mut *dst).await?.rows_affected();
        }
        if end {
            return Ok(copied);
        }
    }
}

/// A row of `users`.
#[derive(sqlx::FromRow)]
struct UserRow {
    /// Kept: every other table refers to it.
    id: i64,
    /// The sign-in name.
    name: String,
    /// Unix ms.
    created_at: i64,
    /// The argon2 PHC string (`None`: proxy-named and built-in users).
    password_hash: Option<String>,
    /// INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL.
    is_admin: bool,
    /// `active`, `pending` or `disabled`.
    status: String,
    /// True for row 1 until the first account claims it.
    is_builtin: bool,
}

/// Users in id order; row 1 exists in the target (its schema inserts it), so it is updated.
const USERS: Table<UserRow> = Table {
    select: "SELECT id, name, created_at, password_hash, is_admin, status, is_builtin
             FROM users ORDER BY id",
    insert:
        "INSERT INTO users (id, name, created_at, password_hash, is_admin, status, is_builtin) ",
    tail: " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
              created_at = EXCLUDED.created_at, password_hash = EXCLUDED.password_hash,
              is_admin = EXCLUDED.is_admin, status = EXCLUDED.status,
              is_builtin = EXCLUDED.is_builtin",
    bind: |values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.name)
            .push_bind(row.created_at)
            .push_bind(row.password_hash)
            .push_bind(row.is_admin)
            .push_bind(row.status)
            .push_bind(row.is_builtin);
    },
};

/// A row of `sessions`.
#[derive(sqlx::FromRow)]
struct SessionRow {
    /// SHA-256 of the token (BLOB / BYTEA): copied, the browsers' cookies stay valid.
    token_hash: Vec<u8>,
    /// The signed-in user.
    user_id: i64,
    /// Unix ms.
    created_at: i64,
    /// Unix ms.
    expires_at: i64,
}

/// Sessions, as they are (expired ones too: the server sweeps them).
const SESSIONS: Table<SessionRow> = Table {
    select: "SELECT token_hash, user_id, created_at, expires_at FROM sessions ORDER BY rowid",
    insert: "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.token_hash)
            .push_bind(row.user_id)
            .push_bind(row.created_at)
            .push_bind(row.expires_at);
    },
};

/// A row of `conversations`.
#[derive(sqlx::FromRow)]
struct ConversationRow {
    /// UUID text.
    id: String,
    /// The owner.
    user_id: i64,
    /// The title.
    title: String,
    /// The model of new answers.
    model: Option<String>,
    /// The system prompt (`Some("")` and `None` both kept as they are).
    system_prompt: Option<String>,
    /// Unix ms.
    created_at: i64,
    /// Unix ms (written back after the messages, see [`restore_activity_times`]).
    updated_at: i64,
}

/// Conversations in rowid order, so `seq` keeps the source's tie-break order.
const CONVERSATIONS: Table<ConversationRow> = Table {
    select: "SELECT id, user_id, title, model, system_prompt, created_at, updated_at
             FROM conversations ORDER BY rowid",
    insert: "INSERT INTO conversations (id, user_id, title, model, system_prompt, created_at,
                                        updated_at) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.user_id)
            .push_bind(pg_text(row.title))
            .push_bind(row.model.map(pg_text))
            .push_bind(row.system_prompt.map(pg_text))
            .push_bind(row.created_at)
            .push_bind(row.updated_at);
    },
};

/// A row of `messages`: every column.
#[derive(sqlx::FromRow)]
struct MessageRow {
    /// UUID text.
    id: String,
    /// Its conversation.
    conversation_id: String,
    /// Its parent in the tree (`None`: a root).
    parent_id: Option<String>,
    /// `user`, `assistant` or `system`.
    role: String,
    /// The text.
    content: String,
    /// `complete`, `streaming`, `stopped`, `error` or `interrupted`.
    status: String,
    /// The reason of an `error` answer.
    error: Option<String>,
    /// The model of an answer.
    model: Option<String>,
    /// Usage, as the provider reported.
    input_tokens: Option<i64>,
    /// Usage, as the provider reported.
    output_tokens: Option<i64>,
    /// Usage, as the provider reported.
    reasoning_tokens: Option<i64>,
    /// Time to first token.
    ttft_ms: Option<i64>,
    /// Speed (REAL / DOUBLE PRECISION).
    tokens_per_second: Option<f64>,
    /// Unix ms.
    created_at: i64,
    /// Unix ms.
    updated_at: i64,
    /// Why the answer ended.
    finish_reason: Option<String>,
    /// The replica that streamed it.
    replica_id: Option<String>,
}

/// Messages in rowid order: a parent was always inserted before its children, and `seq`
/// keeps the order of siblings created in the same millisecond.
const MESSAGES: Table<MessageRow> = Table {
    select: "SELECT id, conversation_id, parent_id, role, content, status, error, model,
                    input_tokens, output_tokens, reasoning_tokens, ttft_ms, tokens_per_second,
                    created_at, updated_at, finish_reason, replica_id
             FROM messages ORDER BY rowid",
    insert: "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, error,
                                   model, input_tokens, output_tokens, reasoning_tokens, ttft_ms,
                                   tokens_per_second, created_at, updated_at, finish_reason,
                                   replica_id) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.conversation_id)
            .push_bind(row.parent_id)
            .push_bind(row.role)
            .push_bind(pg_text(row.content))
            .push_bind(row.status)
            .push_bind(row.error.map(pg_text))
            .push_bind(row.model.map(pg_text))
            .push_bind(row.input_tokens)
            .push_bind(row.output_tokens)
            .push_bind(row.reasoning_tokens)
            .push_bind(row.ttft_ms)
            .push_bind(row.tokens_per_second)
            .push_bind(row.created_at)
            .push_bind(row.updated_at)
            .push_bind(row.finish_reason)
            .push_bind(row.replica_id);
    },
};

/// A row of `presets`.
#[derive(sqlx::FromRow)]
struct PresetRow {
    /// UUID text.
    id: String,
    /// The owner.
    user_id: i64,
    /// The name, unique per owner.
    name: String,
    /// The system prompt (possibly empty).
    system_prompt: String,
    /// The model.
    model: Option<String>,
    /// Unix ms.
    created_at: i64,
    /// Unix ms.
    updated_at: i64,
}

/// Presets in rowid order (the list's tie-break order).
const PRESETS: Table<PresetRow> = Table {
    select: "SELECT id, user_id, name, system_prompt, model, created_at, updated_at
             FROM presets ORDER BY rowid",
    insert: "INSERT INTO presets (id, user_id, name, system_prompt, model, created_at,
                                  updated_at) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.user_id)
            .push_bind(pg_text(row.name))
            .push_bind(pg_text(row.system_prompt))
            .push_bind(row.model.map(pg_text))
            .push_bind(row.created_at)
            .push_bind(row.updated_at);
    },
};

/// `text` as PostgreSQL can store it: a NUL becomes U+FFFD (see [`super::text`]).
fn pg_text(text: String) -> String {
    if text.contains('\0') {
        storable(Backend::Postgres, &text).into_owned()
    } else {
        text
    }
}

/// `sentence` with the password of `url` (as written and percent-decoded) replaced by `***`:
/// no driver message should repeat it, and this makes sure.
fn without_password(sentence: String, url: &str) -> String {
    let Some(written) = url::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(str::to_owned))
    else {
        return sentence;
    };
    let decoded = percent_decoded(&written);
    [written, decoded]
        .iter()
        .filter(|p| !p.is_empty())
        .fold(sentence, |s, p| s.replace(p.as_str(), "***"))
}

/// `text` with its `%XX` escapes decoded (invalid ones and invalid UTF-8 kept as they are).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::{without_password, CopyReport};

    #[test]
    fn sentences_lose_the_password_and_reports_count_in_words() {
        let url = "postgres://app:p%40ss@db/chat";
        assert_eq!(
            without_password("failed for p@ss and p%40ss".to_string(), url),
            "failed for *** and ***"
        );
        let report = CopyReport {
            users: 1,
            sessions: 0,
            conversations: 2,
            messages: 7,
            presets: 1,
        };
        assert_eq!(
            report.to_string(),
            "1 user, 0 sessions, 2 conversations, 7 messages, 1 preset"
        );
    }
}
