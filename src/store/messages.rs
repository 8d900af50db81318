//! [ssr] Messages of the conversation tree: the row type, its role and status, the answer's
//! statistics, and the two inserts of a turn — the user's message (committed before any
//! provider call) and the assistant's answer row, created `streaming`.

use super::ids::{new_id, now_millis, parse_id};
use super::{Store, StoreError, UserId};
use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person chatting.
    User,
    /// The model.
    Assistant,
    /// An instruction stored in the tree (imports); the usual system prompt is per conversation.
    System,
}

/// Where a message is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Finished normally (every user message is complete).
    Complete,
    /// An answer still arriving; its text is flushed in batches.
    Streaming,
    /// The user pressed Stop; the text so far is kept.
    Stopped,
    /// The provider or the turn failed; `error` says why.
    Error,
    /// Found `streaming` at start-up: the server died mid-answer.
    Interrupted,
}

/// Usage and speed of one answer, stored with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AnswerStats {
    /// Prompt tokens, as the provider reported.
    pub input_tokens: Option<i64>,
    /// Generated tokens, as the provider reported.
    pub output_tokens: Option<i64>,
    /// Of those, hidden reasoning tokens, where reported.
    pub reasoning_tokens: Option<i64>,
    /// Time to first token, in ms.
    pub ttft_ms: Option<i64>,
    /// Generation speed after the first token.
    pub tokens_per_second: Option<f64>,
}

/// One node of the message tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Message {
    /// UUID of the message.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// The message it answers or follows; siblings (regenerations, edits) share it.
    pub parent_id: Option<String>,
    /// Who wrote it.
    pub role: Role,
    /// The text (for a streaming answer: what was flushed so far).
    pub content: String,
    /// Life-cycle state.
    pub status: MessageStatus,
    /// For status `error`: the user-safe reason.
    pub error: Option<String>,
    /// For answers: the model that wrote it.
    pub model: Option<String>,
    /// For answers: usage and speed.
    #[sqlx(flatten)]
    pub stats: AnswerStats,
    /// Creation time, unix ms.
    pub created_at: i64,
    /// Last write, unix ms.
    pub updated_at: i64,
}

/// Inserts a message whose conversation belongs to `user` and whose parent (if any) is in the
/// same conversation with role `parent_role`; one statement, so it is atomic.
const INSERT_SCOPED: &str = "
    INSERT INTO messages (id, conversation_id, parent_id, role, content, status, model,
                          created_at, updated_at)
    SELECT ?1, c.id, ?2, ?3, ?4, ?5, ?6, ?7, ?7 FROM conversations c
    WHERE c.id = ?8 AND c.user_id = ?9
      AND (?2 IS NULL OR EXISTS (SELECT 1 FROM messages p
                                 WHERE p.id = ?2 AND p.conversation_id = c.id AND p.role = ?10))";

/// The fields of a new message, before it is inserted.
struct NewMessage<'a> {
    /// The owner who must own the conversation.
    user: UserId,
    /// Canonical conversation id.
    conversation: String,
    /// Canonical parent id, if any.
    parent: Option<String>,
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
        conversation: &str,
        parent: Option<&str>,
        content: &str,
    ) -> Result<Message, StoreError> {
        self.insert_message(NewMessage {
            user,
            conversation: parse_id(conversation)?,
            parent: parent.map(parse_id).transpose()?,
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
        conversation: &str,
        user_message: &str,
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
        let id = new_id();
        let now = now_millis();
        let done = sqlx::query(INSERT_SCOPED)
            .bind(&id)
            .bind(&new.parent)
            .bind(new.role)
            .bind(new.content)
            .bind(new.status)
            .bind(new.model)
            .bind(now)
            .bind(&new.conversation)
            .bind(new.user.0)
            .bind(new.parent_role)
            .execute(self.pool())
            .await?;
        super::conversations::found(done.rows_affected())?;
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
        })
    }
}
