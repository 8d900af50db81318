//! [ssr] The ten tables `sluice migrate-to-postgres` copies, each as a [`Table`]: its SQLite
//! query (every column, rowid order), its PostgreSQL insert and how one row binds. The row
//! types mirror `migrations/sqlite` column for column; text goes through [`pg_text`].

use crate::store::db::Backend;
use crate::store::text::storable;
use sqlx::postgres::Postgres;
use sqlx::query_builder::Separated;

/// How one table is copied: the source query (every column, in rowid order), the target's
/// INSERT up to `VALUES`, what follows the values, and how one row is bound.
pub(super) struct Table<R> {
    /// `SELECT … FROM t ORDER BY rowid` on SQLite.
    pub select: &'static str,
    /// `INSERT INTO t (…) ` on PostgreSQL, the same columns in the same order.
    pub insert: &'static str,
    /// Appended after the values (`ON CONFLICT …`), or empty.
    pub tail: &'static str,
    /// Binds one row's columns.
    pub bind: for<'q, 'args> fn(&mut Separated<'q, 'args, Postgres, &'static str>, R),
}

/// A row of `users`.
#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
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
pub(super) const USERS: Table<UserRow> = Table {
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
pub(super) struct SessionRow {
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
pub(super) const SESSIONS: Table<SessionRow> = Table {
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

/// A row of `folders`.
#[derive(sqlx::FromRow)]
pub(super) struct FolderRow {
    /// UUID text (conversations name it).
    id: String,
    /// The owner.
    user_id: i64,
    /// The name, unique per owner ignoring case.
    name: String,
    /// INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL.
    collapsed: bool,
    /// Unix ms.
    created_at: i64,
}

/// Folders, before the conversations that sit in them.
pub(super) const FOLDERS: Table<FolderRow> = Table {
    select: "SELECT id, user_id, name, collapsed, created_at FROM folders ORDER BY rowid",
    insert: "INSERT INTO folders (id, user_id, name, collapsed, created_at) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.user_id)
            .push_bind(pg_text(row.name))
            .push_bind(row.collapsed)
            .push_bind(row.created_at);
    },
};

/// A row of `conversations`.
#[derive(sqlx::FromRow)]
pub(super) struct ConversationRow {
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
    /// Pinned to the top of the list.
    pinned: bool,
    /// When it was archived, if it is.
    archived_at: Option<i64>,
    /// Its folder, if any (copied before it).
    folder_id: Option<String>,
}

/// Conversations in rowid order, so `seq` keeps the source's tie-break order.
pub(super) const CONVERSATIONS: Table<ConversationRow> = Table {
    select: "SELECT id, user_id, title, model, system_prompt, created_at, updated_at, pinned,
                    archived_at, folder_id
             FROM conversations ORDER BY rowid",
    insert: "INSERT INTO conversations (id, user_id, title, model, system_prompt, created_at,
                                        updated_at, pinned, archived_at, folder_id) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.user_id)
            .push_bind(pg_text(row.title))
            .push_bind(row.model.map(pg_text))
            .push_bind(row.system_prompt.map(pg_text))
            .push_bind(row.created_at)
            .push_bind(row.updated_at)
            .push_bind(row.pinned)
            .push_bind(row.archived_at)
            .push_bind(row.folder_id);
    },
};

/// A row of `messages`: every column.
#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
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
pub(super) const MESSAGES: Table<MessageRow> = Table {
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
pub(super) struct PresetRow {
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
pub(super) const PRESETS: Table<PresetRow> = Table {
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

/// `text` as PostgreSQL can store it: a NUL becomes U+FFFD (see [`crate::store::text`]).
fn pg_text(text: String) -> String {
    if text.contains('\0') {
        storable(Backend::Postgres, &text).into_owned()
    } else {
        text
    }
}

/// A row of `shares`.
#[derive(sqlx::FromRow)]
pub(super) struct ShareRow {
    /// The link's secret (copied: links already handed out keep working).
    token: String,
    /// The owner.
    user_id: i64,
    /// The shared conversation.
    conversation_id: String,
    /// The title at the time.
    title: String,
    /// The frozen JSON snapshot.
    snapshot: String,
    /// Unix ms.
    created_at: i64,
    /// Unix ms, or never.
    expires_at: Option<i64>,
    /// Unix ms, or live.
    revoked_at: Option<i64>,
}

/// Shared links in rowid order (the owner's list tie-break).
pub(super) const SHARES: Table<ShareRow> = Table {
    select: "SELECT token, user_id, conversation_id, title, snapshot, created_at, expires_at,
                    revoked_at
             FROM shares ORDER BY rowid",
    insert: "INSERT INTO shares (token, user_id, conversation_id, title, snapshot, created_at,
                                 expires_at, revoked_at) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.token)
            .push_bind(row.user_id)
            .push_bind(row.conversation_id)
            .push_bind(pg_text(row.title))
            .push_bind(pg_text(row.snapshot))
            .push_bind(row.created_at)
            .push_bind(row.expires_at)
            .push_bind(row.revoked_at);
    },
};

/// A row of `feedback`.
#[derive(sqlx::FromRow)]
pub(super) struct FeedbackRow {
    /// The rated answer.
    message_id: String,
    /// Who rated it.
    user_id: i64,
    /// `up` or `down`.
    rating: String,
    /// The comment, if any.
    comment: Option<String>,
    /// The answer's model when rated.
    model: Option<String>,
    /// Unix ms.
    created_at: i64,
    /// Unix ms.
    updated_at: i64,
}

/// Ratings in rowid order.
pub(super) const FEEDBACK: Table<FeedbackRow> = Table {
    select: "SELECT message_id, user_id, rating, comment, model, created_at, updated_at
             FROM feedback ORDER BY rowid",
    insert: "INSERT INTO feedback (message_id, user_id, rating, comment, model, created_at,
                                   updated_at) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.message_id)
            .push_bind(row.user_id)
            .push_bind(row.rating)
            .push_bind(row.comment.map(pg_text))
            .push_bind(row.model.map(pg_text))
            .push_bind(row.created_at)
            .push_bind(row.updated_at);
    },
};

/// A row of `attachments`.
#[derive(sqlx::FromRow)]
pub(super) struct AttachmentRow {
    /// UUID text (`message_attachments` names it).
    id: String,
    /// The owner.
    user_id: i64,
    /// Its conversation once sent (`None`: a pending upload).
    conversation_id: Option<String>,
    /// The name the user gave.
    name: String,
    /// `image`, `pdf` or `text`.
    kind: String,
    /// The stored bytes' type.
    content_type: String,
    /// Stored size in bytes.
    size_bytes: i64,
    /// Images: width in pixels (INTEGER on both sides).
    width: Option<i32>,
    /// Images: height in pixels.
    height: Option<i32>,
    /// A PDF's text layer or a text file's text.
    text_content: Option<String>,
    /// The file (BLOB / BYTEA), byte for byte.
    bytes: Vec<u8>,
    /// Unix ms (the sweeper's clock for pending uploads).
    created_at: i64,
}

/// Attachments, after the conversations and messages they belong to.
pub(super) const ATTACHMENTS: Table<AttachmentRow> = Table {
    select: "SELECT id, user_id, conversation_id, name, kind, content_type, size_bytes, width,
                    height, text_content, bytes, created_at
             FROM attachments ORDER BY rowid",
    insert: "INSERT INTO attachments (id, user_id, conversation_id, name, kind, content_type,
                 size_bytes, width, height, text_content, bytes, created_at) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.user_id)
            .push_bind(row.conversation_id)
            .push_bind(pg_text(row.name))
            .push_bind(row.kind)
            .push_bind(row.content_type)
            .push_bind(row.size_bytes)
            .push_bind(row.width)
            .push_bind(row.height)
            .push_bind(row.text_content.map(pg_text))
            .push_bind(row.bytes)
            .push_bind(row.created_at);
    },
};

/// A row of `message_attachments`.
#[derive(sqlx::FromRow)]
pub(super) struct MessageAttachmentRow {
    /// The user message carrying the file.
    message_id: String,
    /// The file.
    attachment_id: String,
    /// Its place among the message's files.
    position: i32,
}

/// Which message carries which files, after both.
pub(super) const MESSAGE_ATTACHMENTS: Table<MessageAttachmentRow> = Table {
    select: "SELECT message_id, attachment_id, position FROM message_attachments ORDER BY rowid",
    insert: "INSERT INTO message_attachments (message_id, attachment_id, position) ",
    tail: "",
    bind: |values, row| {
        values
            .push_bind(row.message_id)
            .push_bind(row.attachment_id)
            .push_bind(row.position);
    },
};
