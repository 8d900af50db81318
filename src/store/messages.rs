//! [ssr] Inserts into the message tree: the two inserts of a turn — the user's message
//! (committed before any provider call) and the assistant's answer row, created `streaming` —,
//! the reopening of an answer for Continue (which, like an insert, moves its conversation up
//! the list), and reading one message back (a reader that resumes a turn which ended meanwhile).

use super::db::{on_db, Dialects};
use super::ids::{new_id, now_millis, parse_id};
use super::text::storable;
use super::{Store, StoreError, UserId};
use crate::conversation::{AnswerStats, Message, MessageStatus, Role};
use crate::ids::{ConversationId, MessageId};

/// Inserts a message whose conversation belongs to `user` and whose parent (if any) is in the
/// same conversation with role `parent_role`; one statement, so it is atomic. `$11` is the
/// replica writing it (answers only).
pub(super) const INSERT_SCOPED: &str = "
    INSERT INTO messages (id, conversation_id, parent_id, role, content, status, model,
                          created_at, updated_at, replica_id)
    SELECT $1, c.id, $2, $3, $4, $5, $6, $7, $7, $11 FROM conversations c
    WHERE c.id = $8 AND c.user_id = $9
      AND ($2 IS NULL OR EXISTS (SELECT 1 FROM messages p
                                 WHERE p.id = $2 AND p.conversation_id = c.id AND p.role = $10))";

/// Moves conversation $2 to the top of its owner's list at time $1, exactly as the trigger
/// `messages_touch_conversation` does for an inserted message (strictly after every other
/// conversation of the owner, so the order is total even within one millisecond).
const TOUCH_CONVERSATION: Dialects = Dialects {
    sqlite: "
    UPDATE conversations
    SET updated_at = MAX($1, COALESCE((SELECT MAX(o.updated_at) + 1 FROM conversations o
                                       WHERE o.user_id = conversations.user_id
                                         AND o.id <> conversations.id), 0))
    WHERE id = $2",
    postgres: "
    UPDATE conversations
    SET updated_at = GREATEST($1, COALESCE((SELECT MAX(o.updated_at) + 1 FROM conversations o
                                            WHERE o.user_id = conversations.user_id
                                              AND o.id <> conversations.id), 0))
    WHERE id = $2",
};

/// The fields of a new message, before it is inserted.
struct NewMessage<'a> {
    /// The owner who must own the conversation.
    user: UserId,
    /// Canonical conversation id.
    conversation: ConversationId,
    /// Canonical parent id, if any.
    parent: Option<MessageId>,
    /// Role of the new message.
    role: Role,
    /// Role the parent must have.
    parent_role: Role,
    /// Initial text.
    content: &'a str,
    /// Initial status.
    status: MessageStatus,
    /// Model, for answers.
    model: Option<&'a str>,
}

impl Store {
    /// Adds the user's message under `parent` (`None`: a first message; an assistant message:
    /// a follow-up; the parent of an existing user message: an edit, stored as its sibling).
    pub async fn add_user_message(
        &self,
        user: UserId,
        conversation: &ConversationId,
        parent: Option<&MessageId>,
        content: &str,
    ) -> Result<Message, StoreError> {
        self.insert_message(NewMessage {
            user,
            conversation: parse_id(conversation)?,
            parent: parent.map(|p| parse_id(p)).transpose()?,
            role: Role::User,
            parent_role: Role::Assistant,
            content,
            status: MessageStatus::Complete,
            model: None,
        })
        .await
    }

    /// Creates the empty answer row (status `streaming`) to `user_message`; a second answer
    /// to the same message (regenerate) becomes its sibling.
    pub async fn start_answer(
        &self,
        user: UserId,
        conversation: &ConversationId,
        user_message: &MessageId,
        model: &str,
    ) -> Result<Message, StoreError> {
        self.insert_message(NewMessage {
            user,
            conversation: parse_id(conversation)?,
            parent: Some(parse_id(user_message)?),
            role: Role::Assistant,
            parent_role: Role::User,
            content: "",
            status: MessageStatus::Streaming,
            model: Some(model),
        })
        .await
    }

    /// Runs [`INSERT_SCOPED`]; no row inserted means the conversation or parent is not found.
    async fn insert_message(&self, new: NewMessage<'_>) -> Result<Message, StoreError> {
        let id: MessageId = new_id();
        let now = now_millis();
        let replica = (new.status == MessageStatus::Streaming).then_some(&*self.replica_id);
        let content = storable(self.db().backend(), new.content);
        let done = on_db!(self.db(), |pool| {
            sqlx::query(INSERT_SCOPED)
                .bind(&id)
                .bind(&new.parent)
                .bind(new.role)
                .bind(content.as_ref())
                .bind(new.status)
                .bind(new.model)
                .bind(now)
                .bind(&new.conversation)
                .bind(new.user.0)
                .bind(new.parent_role)
                .bind(replica)
                .execute(pool)
                .await?
                .rows_affected()
        });
        super::error::found(done)?;
        Ok(Message {
            id,
            conversation_id: new.conversation,
            parent_id: new.parent,
            role: new.role,
            content: new.content.to_owned(),
            status: new.status,
            error: None,
            model: new.model.map(str::to_owned),
            stats: AnswerStats::default(),
            created_at: now,
            updated_at: now,
            attachments: Vec::new(),
        })
    }
}

impl Store {
    /// Makes a finished answer `streaming` again so that more text can be appended to it
    /// ("Continue" after the token limit); returns it with the text it had. `NotFound` when it
    /// is not an answer of `user`'s or is streaming already.
    pub async fn reopen_answer(
        &self,
        user: UserId,
        answer: &MessageId,
    ) -> Result<Message, StoreError> {
        let answer: MessageId = parse_id(answer)?;
        let now = now_millis();
        let replica: &str = &self.replica_id;
        on_db!(self.db(), |pool, backend| {
            let mut tx = pool.begin().await?;
            let reopened: Option<Message> = sqlx::query_as(
                "UPDATE messages SET status = 'streaming', error = NULL, updated_at = $1,
                                     replica_id = $4
                 WHERE id = $2 AND role = 'assistant' AND status <> 'streaming'
                   AND conversation_id IN (SELECT id FROM conversations WHERE user_id = $3)
                 RETURNING *",
            )
            .bind(now)
            .bind(&answer)
            .bind(user.0)
            .bind(replica)
            .fetch_optional(&mut *tx)
            .await?;
            let reopened = reopened.ok_or(StoreError::NotFound)?;
            // A new answer is activity, as an inserted one is (the insert trigger).
            sqlx::query(TOUCH_CONVERSATION.get(backend))
                .bind(now)
                .bind(&reopened.conversation_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(reopened)
        })
    }

    /// One message of `user`'s; `NotFound` for unknown, malformed and other users' ids.
    pub async fn message(&self, user: UserId, id: &MessageId) -> Result<Message, StoreError> {
        let id: MessageId = parse_id(id)?;
        let found: Option<Message> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT * FROM messages
                 WHERE id = $1
                   AND conversation_id IN (SELECT id FROM conversations WHERE user_id = $2)",
            )
            .bind(&id)
            .bind(user.0)
            .fetch_optional(pool)
            .await?
        });
        found.ok_or(StoreError::NotFound)
    }
}
