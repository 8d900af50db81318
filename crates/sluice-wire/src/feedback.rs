//! Feedback on answers: a thumbs up or down with an optional comment, one per user per answer.
//! The page receives the user's own ratings with the conversation
//! ([`crate::conversation::ConversationTree::feedback`]), the export carries them, and an admin
//! sees a per-model summary ([`ModelFeedback`]).

use crate::ids::MessageId;
use serde::{Deserialize, Serialize};

/// The longest comment accepted with a rating, in characters.
pub const MAX_FEEDBACK_COMMENT_CHARS: usize = 2000;

/// Thumbs up or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// A good answer.
    Up,
    /// A bad answer.
    Down,
}

impl Rating {
    /// The stored and JSON name: `up` or `down`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Up => "up",
            Rating::Down => "down",
        }
    }

    /// The rating named `text`, if any.
    pub fn parse(text: &str) -> Option<Rating> {
        match text {
            "up" => Some(Rating::Up),
            "down" => Some(Rating::Down),
            _ => None,
        }
    }
}

/// One user's rating of one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageFeedback {
    /// The rated answer.
    pub message_id: MessageId,
    /// Up or down.
    pub rating: Rating,
    /// What the user added, if anything (trimmed, at most [`MAX_FEEDBACK_COMMENT_CHARS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An admin's summary line: the ratings of one model's answers, every user together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFeedback {
    /// The model that wrote the rated answers (empty when the answer named none).
    pub model: String,
    /// Ratings in all.
    pub count: i64,
    /// Of those, thumbs up.
    pub up: i64,
}

impl ModelFeedback {
    /// Thumbs up per rating, from 0 to 1 (0 when nothing was rated).
    pub fn ratio(&self) -> f64 {
        if self.count <= 0 {
            0.0
        } else {
            self.up as f64 / self.count as f64
        }
    }
}
