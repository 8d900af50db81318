//! Stored conversations as both the server and the browser see them: the conversation, its
//! sidebar summary, the message tree and each message's status and statistics. The store
//! (`store`, server only) reads and writes these; server functions send them to the page.

pub use crate::events::Role;
use crate::feedback::MessageFeedback;
use crate::ids::{ConversationId, FolderId, MessageId};
use crate::message_tree::TreeIndex;
use serde::{Deserialize, Serialize};

/// Where a stored message is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Finished normally (every user message is complete).
    Complete,
    /// An answer still arriving; its text is flushed in batches.
    Streaming,
    /// The user pressed Stop (or left); the text so far is kept.
    Stopped,
    /// The provider or the turn failed; `error` says why.
    Error,
    /// Found `streaming` at start-up: the server died mid-answer.
    Interrupted,
}

impl MessageStatus {
    /// The name used in the database, the JSON export and `data-status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Streaming => "streaming",
            Self::Stopped => "stopped",
            Self::Error => "error",
            Self::Interrupted => "interrupted",
        }
    }

    /// The status named `text` (as [`MessageStatus::as_str`] gives it), if any.
    pub fn parse(text: &str) -> Option<MessageStatus> {
        [
            Self::Complete,
            Self::Streaming,
            Self::Stopped,
            Self::Error,
            Self::Interrupted,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// Usage and speed of one answer, stored with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct AnswerStats {
    /// Prompt tokens, as the provider reported.
    pub input_tokens: Option<i64>,
    /// Generated tokens, as the provider reported (or estimated).
    pub output_tokens: Option<i64>,
    /// Of those, hidden reasoning tokens, where reported.
    pub reasoning_tokens: Option<i64>,
    /// Time to first token, in ms.
    pub ttft_ms: Option<i64>,
    /// Generation speed after the first token.
    pub tokens_per_second: Option<f64>,
    /// Why the answer ended, as [`crate::events::FinishReason::as_stored`] names it.
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// One node of the message tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Message {
    /// UUID of the message.
    pub id: MessageId,
    /// The conversation it belongs to.
    pub conversation_id: ConversationId,
    /// The message it answers or follows; siblings (regenerations, edits) share it.
    pub parent_id: Option<MessageId>,
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
    #[cfg_attr(feature = "sqlx", sqlx(flatten))]
    pub stats: AnswerStats,
    /// Creation time, unix ms.
    pub created_at: i64,
    /// Last write, unix ms.
    pub updated_at: i64,
    /// For user messages: the files sent with it, in the order they were attached (filled by
    /// the store after the row is read; absent in JSON written before attachments existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub attachments: Vec<crate::attachments::AttachmentMeta>,
}

/// One conversation's own fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Conversation {
    /// UUID, used in the URL `/c/{id}`.
    pub id: ConversationId,
    /// Shown in the sidebar; derived from the first message, editable.
    pub title: String,
    /// Model used for new answers here, if chosen.
    pub model: Option<String>,
    /// System prompt sent first with every request, if any.
    pub system_prompt: Option<String>,
    /// Creation time, unix ms.
    pub created_at: i64,
    /// Last activity (a new message), unix ms; orders the sidebar.
    pub updated_at: i64,
}

/// A sidebar entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ConversationSummary {
    /// UUID of the conversation.
    pub id: ConversationId,
    /// Its title.
    pub title: String,
    /// Last activity, unix ms; the sidebar groups by its date.
    pub updated_at: i64,
    /// Shown in the sidebar's pinned section, above everything else.
    #[serde(default)]
    pub pinned: bool,
    /// When it was archived (unix ms): archived chats leave the list but search still finds
    /// them, marked; `None`: not archived.
    #[serde(default)]
    pub archived_at: Option<i64>,
    /// The folder it sits in, if any (the sidebar shows it under that folder).
    #[serde(default)]
    pub folder_id: Option<FolderId>,
}

/// A conversation with all its messages (every branch), oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationTree {
    /// The conversation itself.
    pub conversation: Conversation,
    /// All messages, ordered by creation; `parent_id` links them into a tree.
    pub messages: Vec<Message>,
    /// The reading user's own ratings of these answers (absent in JSON when there are none),
    /// so the page shows them after a reload and the export carries them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<MessageFeedback>,
}

impl ConversationTree {
    /// The index of [`Self::messages`] every walk goes through: one pass over the list.
    pub fn index(&self) -> TreeIndex {
        TreeIndex::build(
            &self.messages,
            |m| m.id.as_str(),
            |m| m.parent_id.as_deref(),
        )
    }

    /// The children of `parent` (`None`: the roots), oldest first: the versions a "2 / 3"
    /// switcher pages through.
    pub fn children(&self, parent: Option<&str>) -> Vec<&Message> {
        self.messages
            .iter()
            .filter(|m| m.parent_id.as_deref() == parent)
            .collect()
    }

    /// The message `id`, if it is in this conversation.
    pub fn message(&self, id: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// The messages from the root down to `id` inclusive (empty when `id` is unknown). Stops
    /// at a broken or cyclic link instead of looping. Linear in the number of messages.
    pub fn path_to(&self, id: &str) -> Vec<&Message> {
        match self.messages.iter().position(|m| m.id == id) {
            Some(position) => self.at(self.index().path_to(position)),
            None => Vec::new(),
        }
    }

    /// The branch shown by default: from the root, always the newest child. Linear in the
    /// number of messages.
    pub fn latest_path(&self) -> Vec<&Message> {
        self.at(self.index().latest_path())
    }

    /// The messages at `positions`.
    fn at(&self, positions: Vec<usize>) -> Vec<&Message> {
        positions
            .into_iter()
            .filter_map(|p| self.messages.get(p))
            .collect()
    }
}

/// The longest title derived from a first message, in characters.
pub const MAX_DERIVED_TITLE_CHARS: usize = 60;

/// A conversation title from its first message: the first non-empty line with Markdown
/// markers and extra spaces removed, cut at a word boundary to [`MAX_DERIVED_TITLE_CHARS`]
/// with an ellipsis; "New chat" when nothing is left.
pub fn derive_title(first_message: &str) -> String {
    let line = first_message
        .lines()
        .map(|l| {
            l.trim_start_matches(['#', '>', '-', '*', '`', ' ', '\t'])
                .trim()
        })
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut title = String::new();
    for word in &words {
        let extra = usize::from(!title.is_empty()) + word.chars().count();
        if title.chars().count() + extra > MAX_DERIVED_TITLE_CHARS {
            if title.is_empty() {
                title = word.chars().take(MAX_DERIVED_TITLE_CHARS).collect();
            }
            title.push('…');
            return title;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    if title.is_empty() {
        "New chat".to_string()
    } else {
        title
    }
}
