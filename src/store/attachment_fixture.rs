//! [ssr] A pending upload written straight into `attachments`, for tests of what happens to
//! files after the upload (sending, editing, export, sharing) that should not depend on the
//! upload route or on which file types the intake accepts. Not used by the server.

use super::ids::{new_id, now_millis};
use super::{Store, StoreError, UserId};
use crate::attachments::{AttachmentKind, AttachmentMeta};
use crate::ids::AttachmentId;

impl Store {
    /// Stores `bytes` as a pending upload of `user`'s named `name`, of `kind` and
    /// `content_type`, with `text` as its text layer; returns its meta. Tests only.
    #[doc(hidden)]
    pub async fn put_attachment_for_tests(
        &self,
        user: UserId,
        name: &str,
        kind: AttachmentKind,
        content_type: &str,
        bytes: &[u8],
        text: Option<&str>,
    ) -> Result<AttachmentMeta, StoreError> {
        let id: AttachmentId = new_id();
        let (width, height) = match kind {
            AttachmentKind::Image => (Some(1_i32), Some(1_i32)),
            _ => (None, None),
        };
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        super::db::on_db!(self.db(), |pool| {
            sqlx::query(
                "INSERT INTO attachments (id, user_id, conversation_id, name, kind, content_type,
                                          size_bytes, width, height, text_content, bytes,
                                          created_at)
                 VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&id)
            .bind(user.0)
            .bind(name)
            .bind(kind.as_str())
            .bind(content_type)
            .bind(size)
            .bind(width)
            .bind(height)
            .bind(text)
            .bind(bytes)
            .bind(now_millis())
            .execute(pool)
            .await?;
        });
        Ok(AttachmentMeta {
            id,
            name: name.to_string(),
            kind,
            content_type: content_type.to_string(),
            size_bytes: bytes.len() as u64,
            width: width.map(|w| w as u32),
            height: height.map(|h| h as u32),
        })
    }

    /// How many `attachments` rows and `message_attachments` links `user` has. Tests only.
    #[doc(hidden)]
    pub async fn attachment_counts_for_tests(
        &self,
        user: UserId,
    ) -> Result<(i64, i64), StoreError> {
        let counts: (i64, i64) = super::db::on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM attachments WHERE user_id = $1),
                        (SELECT COUNT(*) FROM message_attachments ma
                         JOIN attachments a ON a.id = ma.attachment_id WHERE a.user_id = $1)",
            )
            .bind(user.0)
            .fetch_one(pool)
            .await?
        });
        Ok(counts)
    }
}
