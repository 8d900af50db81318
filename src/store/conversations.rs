//! [ssr] Conversations: create, list (newest first; search is in `search.rs`), rename, change settings,
//! delete (messages cascade) and load one whole message tree. Every query is scoped by owner.

use super::ids::{new_id, now_millis, parse_id};
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
        insert_conversation_row(self.pool(), user, &conversation).await?;
        Ok(conversation)
    }

    /// The user's conversations, most recently active first; with `search` (trimmed; blank
    /// means none), only those whose title or any message contains it (see
    /// [`Store::search_conversations`] for the semantics and costs).
    pub async fn list_conversations(
        &self,
        user: UserId,
        search: Option<&str>,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
            return self.search_conversations(user, search).await;
        }
        let rows = sqlx::query_as(
            "SELECT id, title, updated_at FROM conversations WHERE user_id = ?
             ORDER BY updated_at DESC, rowid DESC",
        )
        .bind(user.0)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Loads one conversation with all its messages.
    pub async fn get_conversation(
        &self,
        user: UserId,
        id: &ConversationId,
    ) -> Result<ConversationTree, StoreError> {
        let id: ConversationId = parse_id(id)?;
        // One read transaction: a consistent snapshot of the conversation and its messages.
        let mut tx = self.pool().begin().await?;
        let conversation: Conversation = sqlx::query_as(
            "SELECT id, title, model, system_prompt, created_at, updated_at FROM conversations
             WHERE id = ? AND user_id = ?",
        )
        .bind(&id)
        .bind(user.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let messages: Vec<Message> = sqlx::query_as(
            "SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.conversation_id = ? AND c.user_id = ?
             ORDER BY m.created_at, m.rowid",
        )
        .bind(&id)
        .bind(user.0)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ConversationTree {
            conversation,
            messages,
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
        let done = sqlx::query("UPDATE conversations SET title = ? WHERE id = ? AND user_id = ?")
            .bind(title)
            .bind(&id)
            .bind(user.0)
            .execute(self.pool())
            .await?;
        found(done.rows_affected())
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
        let done = sqlx::query(
            "UPDATE conversations SET model = ?, system_prompt = ? WHERE id = ? AND user_id = ?",
        )
        .bind(model)
        .bind(system_prompt)
        .bind(&id)
        .bind(user.0)
        .execute(self.pool())
        .await?;
        found(done.rows_affected())
    }

    /// Deletes a conversation and all its messages.
    pub async fn delete_conversation(
        &self,
        user: UserId,
        id: &ConversationId,
    ) -> Result<(), StoreError> {
        let id: ConversationId = parse_id(id)?;
        let done = sqlx::query("DELETE FROM conversations WHERE id = ? AND user_id = ?")
            .bind(&id)
            .bind(user.0)
            .execute(self.pool())
            .await?;
        found(done.rows_affected())
    }
}

/// `NotFound` when a scoped statement touched no row.
pub(crate) fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Writes `conversation`'s row for `user`, as it is (ids and times included): the one INSERT
/// that creating and importing a conversation share.
pub(super) async fn insert_conversation_row(
    executor: impl sqlx::SqliteExecutor<'_>,
    user: UserId,
    conversation: &Conversation,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO conversations (id, user_id, title, model, system_prompt, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&conversation.id)
    .bind(user.0)
    .bind(&conversation.title)
    .bind(&conversation.model)
    .bind(&conversation.system_prompt)
    .bind(conversation.created_at)
    .bind(conversation.updated_at)
    .execute(executor)
    .await?;
    Ok(())
}
