//! [ssr] `sluice migrate-to-postgres`: copies a SQLite database into an empty PostgreSQL one,
//! every row exactly (ids, timestamps, every column), in one transaction on the target. Users
//! (the built-in row 1 is updated, the others inserted), sessions, conversations, messages,
//! presets, shared links, ratings, attachments and which message carries which (after both)
//! are read in rowid order from one read snapshot of the source, so parents come
//! before children and PostgreSQL's `seq` columns (the tie-breaker standing in for rowid) get
//! the source's order. The insert trigger that moves a conversation up its owner's list is
//! undone afterwards by writing back every conversation's `updated_at`. A target that holds
//! anything besides the untouched built-in user is refused before anything is written. The
//! one change: a NUL character, which PostgreSQL's text cannot hold, becomes U+FFFD as in
//! every write of the store ([`super::text`]).

mod tables;

use super::db::Db;
use super::{Store, StoreError, StoreOptions};
use futures::TryStreamExt;
use sqlx::postgres::Postgres;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgConnection, QueryBuilder, SqliteConnection};
use std::path::Path;
use tables::{
    Table, ATTACHMENTS, CONVERSATIONS, FEEDBACK, FOLDERS, MESSAGES, MESSAGE_ATTACHMENTS, PRESETS,
    SESSIONS, SHARES, USERS,
};

/// Rows sent to PostgreSQL per INSERT: far below its 65,535 parameters (17 per message), and
/// few round trips for a large database.
const BATCH: usize = 500;

/// Attachments sent per INSERT: each may be up to `[attachments] max_file_bytes` (20 MiB by
/// default), so a few at a time keeps the copy's memory small.
const ATTACHMENT_BATCH: usize = 4;

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
    /// Sidebar folders (named in the report only when there are some).
    pub folders: u64,
    /// Shared links (named in the report only when there are some).
    pub shares: u64,
    /// Ratings of answers (named in the report only when there are some).
    pub feedback: u64,
    /// Uploaded files, pending and sent (named in the report only when there are some).
    pub attachments: u64,
    /// Links of files to the messages that carry them (part of the messages: not named).
    pub message_attachments: u64,
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
        )?;
        if self.folders > 0 {
            write!(f, ", {}", counted(self.folders, "folder"))?;
        }
        if self.shares > 0 {
            write!(f, ", {}", counted(self.shares, "shared link"))?;
        }
        if self.feedback > 0 {
            write!(f, ", {}", counted(self.feedback, "rating"))?;
        }
        if self.attachments > 0 {
            write!(f, ", {}", counted(self.attachments, "attachment"))?;
        }
        Ok(())
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
        "LOCK TABLE users, sessions, folders, conversations, messages, presets, shares, feedback,
                    attachments, message_attachments
         IN SHARE ROW EXCLUSIVE MODE",
    )
    .execute(&mut *dst)
    .await?;
    let (occupied,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM users WHERE NOT (id = 1 AND is_builtin))
             OR EXISTS (SELECT 1 FROM sessions)
             OR EXISTS (SELECT 1 FROM conversations)
             OR EXISTS (SELECT 1 FROM presets)
             OR EXISTS (SELECT 1 FROM folders)
             OR EXISTS (SELECT 1 FROM attachments)",
    )
    .fetch_one(&mut *dst)
    .await?;
    if occupied {
        return Err(Refused::NotEmpty);
    }
    let users = copy_table(&mut src, &mut dst, &USERS, BATCH).await?;
    let sessions = copy_table(&mut src, &mut dst, &SESSIONS, BATCH).await?;
    // Before the conversations, which name them.
    let folders = copy_table(&mut src, &mut dst, &FOLDERS, BATCH).await?;
    let report = CopyReport {
        users,
        sessions,
        folders,
        conversations: copy_table(&mut src, &mut dst, &CONVERSATIONS, BATCH).await?,
        messages: copy_table(&mut src, &mut dst, &MESSAGES, BATCH).await?,
        presets: copy_table(&mut src, &mut dst, &PRESETS, BATCH).await?,
        shares: copy_table(&mut src, &mut dst, &SHARES, BATCH).await?,
        feedback: copy_table(&mut src, &mut dst, &FEEDBACK, BATCH).await?,
        // After the conversations they belong to; the links after messages and files.
        attachments: copy_table(&mut src, &mut dst, &ATTACHMENTS, ATTACHMENT_BATCH).await?,
        message_attachments: copy_table(&mut src, &mut dst, &MESSAGE_ATTACHMENTS, BATCH).await?,
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

/// Streams `table`'s rows from the source and inserts them into the target `batch_rows` at a
/// time; the number of rows copied.
async fn copy_table<R>(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    table: &Table<R>,
    batch_rows: usize,
) -> Result<u64, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, SqliteRow> + Send + Unpin,
{
    let mut rows = sqlx::query_as::<_, R>(table.select).fetch(&mut *src);
    let mut batch: Vec<R> = Vec::with_capacity(batch_rows);
    let mut copied = 0;
    loop {
        let row = rows.try_next().await?;
        let end = row.is_none();
        batch.extend(row);
        if batch.len() == batch_rows || (end && !batch.is_empty()) {
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
            ..CopyReport::default()
        };
        assert_eq!(
            report.to_string(),
            "1 user, 0 sessions, 2 conversations, 7 messages, 1 preset"
        );
        let with_folders = CopyReport {
            folders: 2,
            ..report
        };
        assert_eq!(
            with_folders.to_string(),
            "1 user, 0 sessions, 2 conversations, 7 messages, 1 preset, 2 folders"
        );
        let shared = CopyReport {
            shares: 1,
            feedback: 3,
            ..report
        };
        assert_eq!(
            shared.to_string(),
            "1 user, 0 sessions, 2 conversations, 7 messages, 1 preset, 1 shared link, 3 ratings"
        );
        let attached = CopyReport {
            attachments: 2,
            message_attachments: 1,
            ..report
        };
        assert_eq!(
            attached.to_string(),
            "1 user, 0 sessions, 2 conversations, 7 messages, 1 preset, 2 attachments"
        );
    }
}
