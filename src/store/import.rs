//! [ssr] Importing a conversation: one transaction inserts the conversation and every message
//! of a checked [`ValidImport`] under fresh ids (the file's ids only linked parents), with the
//! ratings of its answers restored for the importing user, so a
//! failure part-way leaves nothing behind. Timestamps are kept from the file (absent ones
//! become the import time), including the conversation's `updated_at`, which the insert
//! trigger would otherwise move to "now". The file's pin and archive time are kept, and its
//! folder name becomes the importing user's folder of that name (created when missing).
//! Files of user messages, already checked by the intake, are stored in the same transaction,
//! belonging to the new conversation and linked to their messages in order.

use super::conversations::insert_conversation_row;
use super::db::on_db;
use super::folders::folder_named;
use super::ids::{new_id, now_millis};
use super::text::{storable, storable_opt};
use super::{Store, StoreError, UserId};
use crate::conversation::Conversation;
use crate::ids::{AttachmentId, MessageId};
use crate::transfer::ValidImport;
use sluice_attachments::Prepared;

/// One checked file of an imported message: its name and what the intake made of it.
pub type ImportFile = (String, Prepared);

impl Store {
    /// Creates a new conversation owned by `user` from a checked import; all or nothing.
    pub async fn import_conversation(
        &self,
        user: UserId,
        import: &ValidImport,
    ) -> Result<Conversation, StoreError> {
        self.import_conversation_with_files(user, import, &[]).await
    }

    /// [`Store::import_conversation`] storing `files[i]` (checked by the intake) as the files
    /// of message `i`, in order; all or nothing.
    pub async fn import_conversation_with_files(
        &self,
        user: UserId,
        import: &ValidImport,
        files: &[Vec<ImportFile>],
    ) -> Result<Conversation, StoreError> {
        let now = now_millis();
        let created_at = import.created_at.unwrap_or(now);
        let conversation = Conversation {
            id: new_id(),
            title: import.title.clone(),
            model: import.model.clone(),
            system_prompt: import.system_prompt.clone(),
            created_at,
            updated_at: import.updated_at.unwrap_or(now),
        };
        let backend = self.db().backend();
        on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            insert_conversation_row!(&mut *tx, backend, user, &conversation)?;
            let folder = match &import.folder {
                Some(name) => {
                    let name = storable(backend, name);
                    Some(folder_named!(tx, user, name.as_ref())?)
                }
                None => None,
            };
            let mut ids: Vec<MessageId> = Vec::with_capacity(import.messages.len());
            for message in &import.messages {
                let id: MessageId = new_id();
                let parent = match message.parent {
                    None => None,
                    // The validator puts parents first; anything else is a bug (rolled back).
                    Some(p) => Some(ids.get(p).ok_or_else(|| {
                        sqlx::Error::Protocol(format!(
                            "import: parent {p} is not an earlier message"
                        ))
                    })?),
                };
                let created_at = message.created_at.unwrap_or(now);
                sqlx::query(
                    "INSERT INTO messages (id, conversation_id, parent_id, role, content, status,
                     error, model, input_tokens, output_tokens, reasoning_tokens, ttft_ms,
                     tokens_per_second, created_at, updated_at, finish_reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                )
                .bind(&id)
                .bind(&conversation.id)
                .bind(parent)
                .bind(message.role)
                .bind(storable(backend, &message.content).as_ref())
                .bind(message.status)
                .bind(storable_opt(backend, message.error.as_deref()).as_deref())
                .bind(&message.model)
                .bind(message.stats.input_tokens)
                .bind(message.stats.output_tokens)
                .bind(message.stats.reasoning_tokens)
                .bind(message.stats.ttft_ms)
                .bind(message.stats.tokens_per_second)
                .bind(created_at)
                .bind(message.updated_at.unwrap_or(created_at))
                .bind(&message.stats.finish_reason)
                .execute(&mut *tx)
                .await?;
                if let Some(feedback) = &message.feedback {
                    let rated_at = message.updated_at.unwrap_or(created_at);
                    sqlx::query(
                        "INSERT INTO feedback (message_id, user_id, rating, comment, model,
                                               created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $6)",
                    )
                    .bind(&id)
                    .bind(user.0)
                    .bind(feedback.rating.as_str())
                    .bind(storable_opt(backend, feedback.comment.as_deref()).as_deref())
                    .bind(&message.model)
                    .bind(rated_at)
                    .execute(&mut *tx)
                    .await?;
                }
                for (position, (name, file)) in files
                    .get(ids.len())
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let attachment: AttachmentId = new_id();
                    let as_i32 = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
                    sqlx::query(
                        "INSERT INTO attachments (id, user_id, conversation_id, name, kind,
                             content_type, size_bytes, width, height, text_content, bytes,
                             created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(&attachment)
                    .bind(user.0)
                    .bind(&conversation.id)
                    .bind(storable(backend, name).as_ref())
                    .bind(file.kind.as_str())
                    .bind(&file.content_type)
                    .bind(i64::try_from(file.bytes.len()).unwrap_or(i64::MAX))
                    .bind(as_i32(file.width))
                    .bind(as_i32(file.height))
                    .bind(storable_opt(backend, file.text.as_deref()).as_deref())
                    .bind(&file.bytes)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO message_attachments (message_id, attachment_id, position)
                         VALUES ($1, $2, $3)",
                    )
                    .bind(&id)
                    .bind(&attachment)
                    .bind(i32::try_from(position).unwrap_or(i32::MAX))
                    .execute(&mut *tx)
                    .await?;
                }
                ids.push(id);
            }
            // The insert trigger moved `updated_at` to the newest message; keep the file's. The
            // file's pin, archive time and folder are set here too.
            sqlx::query(
                "UPDATE conversations SET updated_at = $1, pinned = $2, archived_at = $3,
                 folder_id = $4 WHERE id = $5 AND user_id = $6",
            )
            .bind(conversation.updated_at)
            .bind(import.pinned)
            .bind(import.archived_at)
            .bind(folder)
            .bind(&conversation.id)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(conversation)
    }
}
