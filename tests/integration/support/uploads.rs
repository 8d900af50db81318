//! Pending uploads written through the store's own insert (`Store::insert_attachment`) without
//! the intake, for tests of what happens to files after the upload (sending, editing, export,
//! sharing) that should not depend on which file types the intake accepts.

use sluice::attachments::{AttachmentKind, AttachmentMeta};
use sluice::store::{Store, StoreError, UserId};
use sluice_attachments::Prepared;

/// Stores test uploads as they come, unchecked.
pub trait TestUploads {
    /// Stores `bytes` as a pending upload of `user`'s named `name`, of `kind` and
    /// `content_type`, with `text` as its text layer; returns its meta.
    async fn put_attachment_for_tests(
        &self,
        user: UserId,
        name: &str,
        kind: AttachmentKind,
        content_type: &str,
        bytes: &[u8],
        text: Option<&str>,
    ) -> Result<AttachmentMeta, StoreError>;

    /// How many attachments `user` stores and how many message links they have.
    async fn attachment_counts_for_tests(&self, user: UserId) -> Result<(i64, i64), StoreError>;
}

impl TestUploads for Store {
    async fn put_attachment_for_tests(
        &self,
        user: UserId,
        name: &str,
        kind: AttachmentKind,
        content_type: &str,
        bytes: &[u8],
        text: Option<&str>,
    ) -> Result<AttachmentMeta, StoreError> {
        let (width, height) = match kind {
            AttachmentKind::Image => (Some(1), Some(1)),
            _ => (None, None),
        };
        let file = Prepared {
            kind,
            content_type: content_type.to_owned(),
            bytes: bytes.to_vec(),
            width,
            height,
            text: text.map(str::to_owned),
            pages: None,
        };
        self.insert_attachment(user, name, &file).await
    }

    async fn attachment_counts_for_tests(&self, user: UserId) -> Result<(i64, i64), StoreError> {
        let files = self.attachment_count(user).await?;
        let links = self.attachment_link_count(user).await?;
        Ok((
            i64::try_from(files).unwrap_or(i64::MAX),
            i64::try_from(links).unwrap_or(i64::MAX),
        ))
    }
}
