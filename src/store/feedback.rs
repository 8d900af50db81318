//! [ssr] Feedback on answers: one rating (up or down, optional comment) per user per answer,
//! set, changed and removed by its user; the conversation load reads the user's own ratings
//! ([`FEEDBACK_OF_CONVERSATION`]); admins read a per-model summary over every user. A rating
//! is only accepted on an assistant message of a conversation the user owns: another user's,
//! a user message, an unknown or malformed id are all [`StoreError::NotFound`].

use super::db::on_db;
use super::ids::{now_millis, parse_id};
use super::text::storable_opt;
use super::{Store, StoreError, UserId};
use crate::feedback::{MessageFeedback, ModelFeedback, Rating};
use crate::ids::MessageId;

/// The user's ratings of one conversation's answers (`$1` the conversation, `$2` the user).
pub(super) const FEEDBACK_OF_CONVERSATION: &str =
    "SELECT f.message_id, f.rating, f.comment FROM feedback f
     JOIN messages m ON m.id = f.message_id
     WHERE m.conversation_id = $1 AND f.user_id = $2
     ORDER BY f.message_id";

/// A stored rating as read back.
#[derive(sqlx::FromRow)]
pub(super) struct FeedbackRow {
    /// The rated answer.
    message_id: String,
    /// `up` or `down` (the schema's CHECK allows nothing else).
    rating: String,
    /// The comment, if any.
    comment: Option<String>,
}

impl FeedbackRow {
    /// The wire form (`None` only for a rating the schema forbids).
    pub(super) fn into_feedback(self) -> Option<MessageFeedback> {
        Some(MessageFeedback {
            message_id: MessageId::from(self.message_id),
            rating: Rating::parse(&self.rating)?,
            comment: self.comment,
        })
    }
}

impl Store {
    /// Sets (or replaces) `user`'s rating of the answer `message_id`; the answer's model is
    /// copied with it. `comment` is stored as given (the caller trims and bounds it).
    pub async fn set_feedback(
        &self,
        user: UserId,
        message_id: &MessageId,
        rating: Rating,
        comment: Option<&str>,
    ) -> Result<MessageFeedback, StoreError> {
        let message_id: MessageId = parse_id(message_id)?;
        let comment_stored = storable_opt(self.db().backend(), comment);
        let done = on_db!(self.db(), |pool| {
            // The WHERE clause also settles SQLite's INSERT … SELECT … ON CONFLICT ambiguity.
            sqlx::query(
                "INSERT INTO feedback
                     (message_id, user_id, rating, comment, model, created_at, updated_at)
                 SELECT m.id, c.user_id, $3, $4, m.model, $5, $5
                 FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.id = $1 AND c.user_id = $2 AND m.role = 'assistant'
                 ON CONFLICT (message_id, user_id) DO UPDATE SET rating = excluded.rating,
                     comment = excluded.comment, updated_at = excluded.updated_at",
            )
            .bind(&message_id)
            .bind(user.0)
            .bind(rating.as_str())
            .bind(comment_stored.as_deref())
            .bind(now_millis())
            .execute(pool)
            .await?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(MessageFeedback {
            message_id,
            rating,
            comment: comment_stored.map(|c| c.into_owned()),
        })
    }

    /// Removes `user`'s rating of the answer `message_id` (nothing to remove is fine);
    /// [`StoreError::NotFound`] when the answer is not one of the user's.
    pub async fn clear_feedback(
        &self,
        user: UserId,
        message_id: &MessageId,
    ) -> Result<(), StoreError> {
        let message_id: MessageId = parse_id(message_id)?;
        let owned: Option<bool> = on_db!(self.db(), |pool| {
            sqlx::query_scalar(
                "SELECT TRUE FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.id = $1 AND c.user_id = $2 AND m.role = 'assistant'",
            )
            .bind(&message_id)
            .bind(user.0)
            .fetch_optional(pool)
            .await?
        });
        if owned.is_none() {
            return Err(StoreError::NotFound);
        }
        on_db!(self.db(), |pool| {
            sqlx::query("DELETE FROM feedback WHERE message_id = $1 AND user_id = $2")
                .bind(&message_id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Every user's ratings counted per model (for admins): most rated first, then by name.
    pub async fn feedback_summary(&self) -> Result<Vec<ModelFeedback>, StoreError> {
        let rows: Vec<(String, i64, i64)> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT COALESCE(model, ''), COUNT(*),
                        SUM(CASE WHEN rating = 'up' THEN 1 ELSE 0 END)
                 FROM feedback GROUP BY COALESCE(model, '')",
            )
            .fetch_all(pool)
            .await?
        });
        let mut summary: Vec<ModelFeedback> = rows
            .into_iter()
            .map(|(model, count, up)| ModelFeedback { model, count, up })
            .collect();
        summary.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.model.cmp(&b.model)));
        Ok(summary)
    }
}
