//! [ssr] Which files a user message carries (the `message_attachments` table): linking a list
//! of uploads to a new user message, in order, in the same transaction as its insert (each
//! must be the user's own and either pending — it then joins the conversation — or already in
//! that conversation: an edit keeps files of the message it replaces); reading the metas of a
//! whole conversation in one query (the tree's `Message.attachments`); and reading the
//! contents (bytes and text) of chosen files for a provider request. The uploads themselves
//! (insert, serve, delete, sweep) live in `attachments.rs`.

use super::attachments::MetaRow;
use super::db::{on_db, Dialects};
use super::ids::{new_id, now_millis, parse_id};
use super::messages::INSERT_SCOPED;
use super::text::storable;
use super::{Store, StoreError, UserId};
use crate::attachments::AttachmentMeta;
use crate::conversation::{AnswerStats, Message, MessageStatus, Role};
use crate::ids::{AttachmentId, ConversationId, MessageId};
use std::collections::HashMap;

/// One attached file with what a provider needs of it.
#[derive(Clone, Debug)]
pub struct StoredFile {
    /// What the page shows of it (name, kind, type, size).
    pub meta: AttachmentMeta,
    /// The stored (normalised) bytes.
    pub bytes: Vec<u8>,
    /// A PDF's text layer or a text file's text, as stored.
    pub text: Option<String>,
}

/// A meta row with the message it belongs to.
#[derive(sqlx::FromRow)]
pub(super) struct LinkedMetaRow {
    /// The user message carrying it.
    message_id: String,
    /// The attachment.
    #[sqlx(flatten)]
    meta: MetaRow,
}

/// A row with the bytes and text too.
#[derive(sqlx::FromRow)]
struct ContentRow {
    /// The meta columns.
    #[sqlx(flatten)]
    meta: MetaRow,
    /// The stored bytes.
    bytes: Vec<u8>,
    /// The stored text, if any.
    text_content: Option<String>,
}

/// The metas of every file of every message of conversation `$1` (owned by user `$2`), by
/// message and position: the one query behind `Message.attachments` of a tree.
pub(super) const METAS_OF_CONVERSATION: &str = "
    SELECT ma.message_id, a.id, a.name, a.kind, a.content_type, a.size_bytes, a.width, a.height
    FROM message_attachments ma
    JOIN attachments a ON a.id = ma.attachment_id
    JOIN messages m ON m.id = ma.message_id
    WHERE m.conversation_id = $1 AND a.user_id = $2
    ORDER BY ma.message_id, ma.position";

/// The user's (`$2`) attachments among the ids of the JSON array `$1` that are pending or in
/// conversation `$3` (`$3` NULL: pending ones only).
const USABLE: Dialects = Dialects {
    sqlite: "SELECT id, name, kind, content_type, size_bytes, width, height FROM attachments
             WHERE id IN (SELECT value FROM json_each($1)) AND user_id = $2
               AND (conversation_id IS NULL OR conversation_id = $3)",
    postgres: "SELECT id, name, kind, content_type, size_bytes, width, height FROM attachments
               WHERE id IN (SELECT jsonb_array_elements_text(CAST($1 AS TEXT)::jsonb))
                 AND user_id = $2
                 AND (conversation_id IS NULL OR conversation_id = CAST($3 AS TEXT))",
};

/// The contents of the user's (`$2`) attachments among the ids of the JSON array `$1`.
const CONTENTS: Dialects = Dialects {
    sqlite: "SELECT id, name, kind, content_type, size_bytes, width, height, bytes, text_content
             FROM attachments
             WHERE id IN (SELECT value FROM json_each($1)) AND user_id = $2",
    postgres: "SELECT id, name, kind, content_type, size_bytes, width, height, bytes,
                      text_content
               FROM attachments
               WHERE id IN (SELECT jsonb_array_elements_text(CAST($1 AS TEXT)::jsonb))
                 AND user_id = $2",
};

/// Gives each message of `messages` its files from `rows` (position order kept).
pub(super) fn fill_attachments(messages: &mut [Message], rows: Vec<LinkedMetaRow>) {
    let mut by_message: HashMap<String, Vec<AttachmentMeta>> = HashMap::new();
    for row in rows {
        if let Ok(meta) = row.meta.into_meta() {
            by_message.entry(row.message_id).or_default().push(meta);
        }
    }
    for message in messages {
        if let Some(files) = by_message.remove(message.id.as_str()) {
            message.attachments = files;
        }
    }
}

/// Canonical ids as one JSON array (the query parameter both dialects unpack); `NotFound`
/// for a malformed one.
fn id_array(ids: &[AttachmentId]) -> Result<(Vec<AttachmentId>, String), StoreError> {
    let canonical: Vec<AttachmentId> = ids
        .iter()
        .map(|id| parse_id(id))
        .collect::<Result<_, _>>()?;
    let json = serde_json::to_string(&canonical).map_err(|e| StoreError::Config(e.to_string()))?;
    Ok((canonical, json))
}

/// `found` in the order of `wanted`; `NotFound` unless every one is there.
fn in_order<T>(
    wanted: &[AttachmentId],
    mut found: HashMap<String, T>,
) -> Result<Vec<T>, StoreError> {
    wanted
        .iter()
        .map(|id| found.remove(id.as_str()).ok_or(StoreError::NotFound))
        .collect()
}

impl Store {
    /// The metas of `ids` in that order, if every one is `user`'s and pending or already in
    /// `conversation` (`None`: a new conversation, so pending only); `NotFound` otherwise
    /// (unknown, malformed, another user's, sent in another conversation, or listed twice).
    pub async fn usable_attachments(
        &self,
        user: UserId,
        conversation: Option<&ConversationId>,
        ids: &[AttachmentId],
    ) -> Result<Vec<AttachmentMeta>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, json) = id_array(ids)?;
        let conversation: Option<ConversationId> = conversation.map(|c| parse_id(c)).transpose()?;
        let rows: Vec<MetaRow> = on_db!(self.db(), |pool, backend| {
            sqlx::query_as(USABLE.get(backend))
                .bind(&json)
                .bind(user.0)
                .bind(&conversation)
                .fetch_all(pool)
                .await?
        });
        let found = rows
            .into_iter()
            .filter_map(|row| row.into_meta().ok())
            .map(|meta| (meta.id.to_string(), meta))
            .collect();
        in_order(&ids, found)
    }

    /// The contents of `user`'s attachments `ids`, in that order (`NotFound` if one is gone):
    /// what a provider request sends.
    pub async fn attachment_contents(
        &self,
        user: UserId,
        ids: &[AttachmentId],
    ) -> Result<Vec<StoredFile>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, json) = id_array(ids)?;
        let rows: Vec<ContentRow> = on_db!(self.db(), |pool, backend| {
            sqlx::query_as(CONTENTS.get(backend))
                .bind(&json)
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        let found = rows
            .into_iter()
            .filter_map(|row| {
                let meta = row.meta.into_meta().ok()?;
                Some((
                    meta.id.to_string(),
                    StoredFile {
                        meta,
                        bytes: row.bytes,
                        text: row.text_content,
                    },
                ))
            })
            .collect();
        in_order(&ids, found)
    }

    /// Adds the user's message (as [`Store::add_user_message`]) carrying `files` in that order,
    /// in one transaction: each file must be `user`'s and pending (it joins `conversation`) or
    /// already in `conversation`; otherwise nothing is stored and the answer is `NotFound`.
    pub async fn add_user_message_with_files(
        &self,
        user: UserId,
        conversation: &ConversationId,
        parent: Option<&MessageId>,
        content: &str,
        files: &[AttachmentId],
    ) -> Result<Message, StoreError> {
        if files.is_empty() {
            return self
                .add_user_message(user, conversation, parent, content)
                .await;
        }
        let conversation: ConversationId = parse_id(conversation)?;
        let parent: Option<MessageId> = parent.map(|p| parse_id(p)).transpose()?;
        let (files, _) = id_array(files)?;
        let id: MessageId = new_id();
        let now = now_millis();
        let stored_content = storable(self.db().backend(), content);
        let no_replica: Option<&str> = None;
        on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(INSERT_SCOPED)
                .bind(&id)
                .bind(&parent)
                .bind(Role::User)
                .bind(stored_content.as_ref())
                .bind(MessageStatus::Complete)
                .bind(None::<&str>)
                .bind(now)
                .bind(&conversation)
                .bind(user.0)
                .bind(Role::Assistant)
                .bind(no_replica)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            super::error::found(inserted)?;
            for (position, file) in files.iter().enumerate() {
                let claimed = sqlx::query(
                    "UPDATE attachments SET conversation_id = $1
                     WHERE id = $2 AND user_id = $3
                       AND (conversation_id IS NULL OR conversation_id = $1)",
                )
                .bind(&conversation)
                .bind(file)
                .bind(user.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                super::error::found(claimed)?;
                sqlx::query(
                    "INSERT INTO message_attachments (message_id, attachment_id, position)
                     VALUES ($1, $2, $3)",
                )
                .bind(&id)
                .bind(file)
                .bind(i32::try_from(position).unwrap_or(i32::MAX))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        let mut message = Message {
            id,
            conversation_id: conversation.clone(),
            parent_id: parent,
            role: Role::User,
            content: content.to_owned(),
            status: MessageStatus::Complete,
            error: None,
            model: None,
            stats: AnswerStats::default(),
            created_at: now,
            updated_at: now,
            attachments: Vec::new(),
        };
        message.attachments = self
            .usable_attachments(user, Some(&conversation), &files)
            .await?;
        Ok(message)
    }
}

impl Store {
    /// How many message links `user`'s attachments have (for tests and tools, beside
    /// `attachment_count`).
    pub async fn attachment_link_count(&self, user: UserId) -> Result<u64, StoreError> {
        let count: i64 = on_db!(self.db(), |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM message_attachments ma
                 JOIN attachments a ON a.id = ma.attachment_id WHERE a.user_id = $1",
            )
            .bind(user.0)
            .fetch_one(pool)
            .await?
        });
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
