//! [ssr] Conversations: create, list (pinned, then newest first; archived ones left out: they
//! are in `organise.rs`; search is in `search/`), rename, change settings, delete (messages
//! cascade) and load one whole message tree (with the user's own ratings of its answers).
//! Every query is scoped by owner.

use super::db::{on_db, Dialects};
use super::error::found;
use super::feedback::{FeedbackRow, FEEDBACK_OF_CONVERSATION};
use super::ids::{new_id, now_millis, parse_id};
use super::message_files::{fill_attachments, LinkedMetaRow, METAS_OF_CONVERSATION};
use super::text::{storable, storable_opt};
use super::{Store, StoreError, UserId};
use crate::conversation::{Conversation, ConversationSummary, ConversationTree, Message};
use crate::ids::ConversationId;

impl Store {
    /// Creates an empty conversation owned by `user`.
    pub async fn create_conversation(
        &self,
        user: UserId,
        title: &str,
        model: Option<&str>,
        system_prompt: Option<&str>,
    ) -> Result<Conversation, StoreError> {
        let now = now_millis();
        let conversation = Conversation {
            id: new_id(),
            title: title.to_owned(),
            model: model.map(str::to_owned),
            system_prompt: system_prompt.map(str::to_owned),
            created_at: now,
            updated_at: now,
        };
        on_db!(self.db(), |pool| {
            insert_conversation_row!(pool, self.db().backend(), user, &conversation)
        })?;
        Ok(conversation)
    }

    /// The user's conversations that are not archived, pinned ones first, then most recently
    /// active first; with `search` (trimmed; blank means none), those — archived ones too,
    /// marked by `archived_at` — whose title or any message contains it, most recently active
    /// first (see [`Store::search_conversations`] for the semantics and costs).
    pub async fn list_conversations(
        &self,
        user: UserId,
        search: Option<&str>,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
            return self.search_conversations(user, search).await;
        }
        let rows = on_db!(self.db(), |pool, backend| {
            sqlx::query_as(LIST.get(backend))
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Loads one conversation with all its messages (each user message with its files' metas).
    pub async fn get_conversation(
        &self,
        user: UserId,
        id: &ConversationId,
    ) -> Result<ConversationTree, StoreError> {
        let id: ConversationId = parse_id(id)?;
        // One read transaction: a consistent snapshot of the conversation and its messages
        // (PostgreSQL: REPEATABLE READ, so both statements see the same snapshot).
        let (conversation, messages, feedback): (Conversation, Vec<Message>, Vec<FeedbackRow>) =
            on_db!(self.db(), |pool, backend| {
                let mut tx = pool.begin().await?;
                if backend == super::db::Backend::Postgres {
                    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        .execute(&mut *tx)
                        .await?;
                }
                let conversation: Conversation = sqlx::query_as(
                    "SELECT id, title, model, system_prompt, created_at, updated_at
                     FROM conversations WHERE id = $1 AND user_id = $2",
                )
                .bind(&id)
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
                let mut messages: Vec<Message> = sqlx::query_as(MESSAGES.get(backend))
                    .bind(&id)
                    .bind(user.0)
                    .fetch_all(&mut *tx)
                    .await?;
                let files: Vec<LinkedMetaRow> = sqlx::query_as(METAS_OF_CONVERSATION)
                    .bind(&id)
                    .bind(user.0)
                    .fetch_all(&mut *tx)
                    .await?;
                fill_attachments(&mut messages, files);
                let feedback: Vec<FeedbackRow> = sqlx::query_as(FEEDBACK_OF_CONVERSATION)
                    .bind(&id)
                    .bind(user.0)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                (conversation, messages, feedback)
            });
        Ok(ConversationTree {
            conversation,
            messages,
            feedback: feedback
                .into_iter()
                .filter_map(FeedbackRow::into_feedback)
                .collect(),
        })
    }

    /// Renames a conversation (does not change its place in the list).
    pub async fn rename_conversation(
        &self,
        user: UserId,
        id: &ConversationId,
        title: &str,
    ) -> Result<(), StoreError> {
        let id: ConversationId = parse_id(id)?;
        let title = storable(self.db().backend(), title);
        let done = on_db!(self.db(), |pool| {
            sqlx::query("UPDATE conversations SET title = $1 WHERE id = $2 AND user_id = $3")
                .bind(title.as_ref())
                .bind(&id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Sets the model and system prompt used for new answers in a conversation.
    pub async fn set_conversation_settings(
        &self,
        user: UserId,
        id: &ConversationId,
        model: Option<&str>,
        system_prompt: Option<&str>,
    ) -> Result<(), StoreError> {
        let id: ConversationId = parse_id(id)?;
        let system_prompt = storable_opt(self.db().backend(), system_prompt);
        let done = on_db!(self.db(), |pool| {
            sqlx::query(
                "UPDATE conversations SET model = $1, system_prompt = $2
                 WHERE id = $3 AND user_id = $4",
            )
            .bind(model)
            .bind(system_prompt.as_deref())
            .bind(&id)
            .bind(user.0)
            .execute(pool)
            .await?
            .rows_affected()
        });
        found(done)
    }

    /// Deletes a conversation and all its messages.
    pub async fn delete_conversation(
        &self,
        user: UserId,
        id: &ConversationId,
    ) -> Result<(), StoreError> {
        let id: ConversationId = parse_id(id)?;
        let done = on_db!(self.db(), |pool| {
            sqlx::query("DELETE FROM conversations WHERE id = $1 AND user_id = $2")
                .bind(&id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(done)
    }
}

/// Writes `conversation`'s row for `user` through `$executor` (a pool or a transaction of
/// either backend), as it is (ids and times included): the one INSERT that creating and
/// importing a conversation share. A macro so that each backend's arm gets its typed executor.
macro_rules! insert_conversation_row {
    ($executor:expr, $backend:expr, $user:expr, $conversation:expr) => {{
        let conversation: &$crate::conversation::Conversation = $conversation;
        sqlx::query(
            "INSERT INTO conversations
                 (id, user_id, title, model, system_prompt, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&conversation.id)
        .bind($user.0)
        .bind($crate::store::text::storable($backend, &conversation.title).as_ref())
        .bind(&conversation.model)
        .bind(
            $crate::store::text::storable_opt($backend, conversation.system_prompt.as_deref())
                .as_deref(),
        )
        .bind(conversation.created_at)
        .bind(conversation.updated_at)
        .execute($executor)
        .await
        .map(|_| ())
    }};
}
pub(super) use insert_conversation_row;

/// A user's conversations that are not archived, pinned ones first, then most recently active
/// first (ties: the later created first).
const LIST: Dialects = Dialects {
    sqlite: "SELECT id, title, updated_at, pinned, archived_at, folder_id FROM conversations
             WHERE user_id = $1 AND archived_at IS NULL
             ORDER BY pinned DESC, updated_at DESC, rowid DESC",
    postgres: "SELECT id, title, updated_at, pinned, archived_at, folder_id FROM conversations
               WHERE user_id = $1 AND archived_at IS NULL
               ORDER BY pinned DESC, updated_at DESC, seq DESC",
};

/// Every message of a conversation the user owns, in the order they were written.
const MESSAGES: Dialects = Dialects {
    sqlite: "SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.conversation_id = $1 AND c.user_id = $2
             ORDER BY m.created_at, m.rowid",
    postgres: "SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
               WHERE m.conversation_id = $1 AND c.user_id = $2
               ORDER BY m.created_at, m.seq",
};
