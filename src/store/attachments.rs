//! [ssr] Uploaded files (the `attachments` table): an upload is stored as *pending* (no
//! conversation) for its user ([`Store::insert_attachment`]), read back only by its owner
//! ([`Store::attachment`]), deleted by its owner while still pending
//! ([`Store::delete_pending_attachment`]; one sent with a message goes with its conversation),
//! swept when left pending too long ([`Store::sweep_pending_attachments`]), and counted in the
//! user's storage ([`Store::attachment_bytes`]). Linking uploads to messages is
//! `message_files`' part. Another user's, unknown and malformed ids are all
//! [`StoreError::NotFound`].

use super::db::on_db;
use super::ids::{new_id, now_millis, parse_id};
use super::{Store, StoreError, UserId};
use crate::ids::AttachmentId;
use sluice_attachments::Prepared;
use sluice_wire::attachments::{AttachmentKind, AttachmentMeta};

/// The refusal of deleting an upload that was already sent (HTTP 409).
pub const SENT_ATTACHMENT: &str =
    "That file was sent with a message; it is deleted with its conversation.";

/// An attachment row without its bytes (also read by `message_files`, which skips a row
/// whose kind this version does not know instead of failing).
#[derive(sqlx::FromRow)]
pub(super) struct MetaRow {
    /// The attachment's id.
    id: String,
    /// The name the user gave.
    name: String,
    /// `image`, `pdf` or `text` (the schema's CHECK allows nothing else).
    kind: String,
    /// The stored bytes' type.
    content_type: String,
    /// Stored size.
    size_bytes: i64,
    /// Images: width in pixels.
    width: Option<i32>,
    /// Images: height in pixels.
    height: Option<i32>,
}

impl MetaRow {
    /// The wire form; a kind this version does not know is a broken row (internal error).
    pub(super) fn into_meta(self) -> Result<AttachmentMeta, StoreError> {
        let kind = AttachmentKind::from_stored(&self.kind).ok_or_else(|| {
            StoreError::Database(sqlx::Error::Decode(
                format!("unknown attachment kind {:?}", self.kind).into(),
            ))
        })?;
        Ok(AttachmentMeta {
            id: AttachmentId::from(self.id),
            name: self.name,
            kind,
            content_type: self.content_type,
            size_bytes: u64::try_from(self.size_bytes).unwrap_or(0),
            width: self.width.and_then(|w| u32::try_from(w).ok()),
            height: self.height.and_then(|h| u32::try_from(h).ok()),
        })
    }
}

/// An attachment row with its bytes.
#[derive(sqlx::FromRow)]
struct FileRow {
    /// Everything but the bytes.
    #[sqlx(flatten)]
    meta: MetaRow,
    /// The stored bytes.
    bytes: Vec<u8>,
}

/// An attachment as served to its owner.
#[derive(Debug)]
pub struct AttachmentFile {
    /// What it is (name, type, size).
    pub meta: AttachmentMeta,
    /// The stored bytes.
    pub bytes: Vec<u8>,
}

/// An image side as the database's INTEGER column takes it (`None` beyond its range, which
/// no normalised image reaches).
fn column_int(value: Option<u32>) -> Option<i32> {
    value.and_then(|v| i32::try_from(v).ok())
}

impl Store {
    /// Stores `file` (already prepared: sniffed, normalised) as a pending upload of `user`
    /// named `name`, and returns its description.
    pub async fn insert_attachment(
        &self,
        user: UserId,
        name: &str,
        file: &Prepared,
    ) -> Result<AttachmentMeta, StoreError> {
        let id: AttachmentId = new_id();
        let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
        on_db!(self.db(), |pool| {
            sqlx::query(
                "INSERT INTO attachments (id, user_id, conversation_id, name, kind, content_type,
                     size_bytes, width, height, text_content, bytes, created_at)
                 VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&id)
            .bind(user.0)
            .bind(name)
            .bind(file.kind.as_str())
            .bind(&file.content_type)
            .bind(size)
            .bind(column_int(file.width))
            .bind(column_int(file.height))
            .bind(file.text.as_deref())
            .bind(&file.bytes)
            .bind(now_millis())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(AttachmentMeta {
            id,
            name: name.to_owned(),
            kind: file.kind,
            content_type: file.content_type.clone(),
            size_bytes: u64::try_from(size).unwrap_or(0),
            width: file.width,
            height: file.height,
        })
    }

    /// `user`'s attachment `id` with its bytes.
    pub async fn attachment(
        &self,
        user: UserId,
        id: &AttachmentId,
    ) -> Result<AttachmentFile, StoreError> {
        let id: AttachmentId = parse_id(id)?;
        let row: Option<FileRow> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT id, name, kind, content_type, size_bytes, width, height, bytes
                 FROM attachments WHERE id = $1 AND user_id = $2",
            )
            .bind(&id)
            .bind(user.0)
            .fetch_optional(pool)
            .await?
        });
        let FileRow { meta, bytes } = row.ok_or(StoreError::NotFound)?;
        Ok(AttachmentFile {
            meta: meta.into_meta()?,
            bytes,
        })
    }

    /// Deletes `user`'s pending upload `id`. One already sent with a message is not deleted:
    /// [`StoreError::Conflict`] ([`SENT_ATTACHMENT`]); another user's, unknown or malformed
    /// ids are [`StoreError::NotFound`].
    pub async fn delete_pending_attachment(
        &self,
        user: UserId,
        id: &AttachmentId,
    ) -> Result<(), StoreError> {
        let id: AttachmentId = parse_id(id)?;
        let deleted = on_db!(self.db(), |pool| {
            sqlx::query(
                "DELETE FROM attachments
                 WHERE id = $1 AND user_id = $2 AND conversation_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM message_attachments ma
                                   WHERE ma.attachment_id = attachments.id)",
            )
            .bind(&id)
            .bind(user.0)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if deleted > 0 {
            return Ok(());
        }
        let exists: Option<i64> = on_db!(self.db(), |pool| {
            sqlx::query_scalar("SELECT size_bytes FROM attachments WHERE id = $1 AND user_id = $2")
                .bind(&id)
                .bind(user.0)
                .fetch_optional(pool)
                .await?
        });
        match exists {
            Some(_) => Err(StoreError::Conflict(SENT_ATTACHMENT.to_owned())),
            None => Err(StoreError::NotFound),
        }
    }

    /// Deletes every user's uploads still pending (no conversation, no message) that were
    /// stored before `cutoff_millis`; returns how many.
    pub async fn sweep_pending_attachments(&self, cutoff_millis: i64) -> Result<u64, StoreError> {
        Ok(on_db!(self.db(), |pool| {
            sqlx::query(
                "DELETE FROM attachments
                 WHERE conversation_id IS NULL AND created_at < $1
                   AND NOT EXISTS (SELECT 1 FROM message_attachments ma
                                   WHERE ma.attachment_id = attachments.id)",
            )
            .bind(cutoff_millis)
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// Bytes of every attachment `user` stores, pending or sent.
    pub async fn attachment_bytes(&self, user: UserId) -> Result<u64, StoreError> {
        let bytes: i64 = on_db!(self.db(), |pool| {
            sqlx::query_scalar(
                "SELECT COALESCE(CAST(SUM(size_bytes) AS BIGINT), 0)
                 FROM attachments WHERE user_id = $1",
            )
            .bind(user.0)
            .fetch_one(pool)
            .await?
        });
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    /// How many attachments `user` stores, pending or sent (for tests and tools).
    pub async fn attachment_count(&self, user: UserId) -> Result<u64, StoreError> {
        let count: i64 = on_db!(self.db(), |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE user_id = $1")
                .bind(user.0)
                .fetch_one(pool)
                .await?
        });
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
