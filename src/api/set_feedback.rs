//! `POST /api/feedback/set` — rates one of the user's answers (replacing an earlier rating).
//! Body: `{"message_id": "…", "rating": "up" | "down", "comment": "…"}` (`comment` optional,
//! trimmed, at most [`MAX_FEEDBACK_COMMENT_CHARS`](crate::feedback::MAX_FEEDBACK_COMMENT_CHARS)
//! characters); answers the rating as stored.
//! Another user's answer, a user message or an unknown id is 404.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::feedback::{MessageFeedback, Rating};
use crate::ids::MessageId;
use leptos::prelude::*;

/// Sets the user's rating of the answer `message_id`.
#[server(prefix = "/api", endpoint = "feedback/set", input = ArgsJson)]
pub async fn set_feedback(
    message_id: MessageId,
    rating: Rating,
    #[server(default)] comment: Option<String>,
) -> Result<MessageFeedback, ApiError> {
    use crate::feedback::MAX_FEEDBACK_COMMENT_CHARS;
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let comment = comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_FEEDBACK_COMMENT_CHARS)
    {
        return Err(AppError::BadRequest(format!(
            "The comment is too long (the limit is {MAX_FEEDBACK_COMMENT_CHARS} characters)."
        ))
        .into());
    }
    state
        .store
        .set_feedback(user, &message_id, rating, comment.as_deref())
        .await
        .map_err(|e| AppError::from_store(e, "That answer does not exist.").into())
}
