//! What browser and server share about shared links (`/s/{token}`): how long a link lasts
//! ([`ShareExpiry`]), the frozen snapshot a link shows ([`ShareSnapshot`]: the title, the
//! visible branch's messages, the system prompt only when the sharer included it — never user
//! ids, other branches or ratings) and a link as its owner lists it ([`ShareSummary`]). A
//! message's files are named in the snapshot ([`SharedFile`]: name and kind, a chip) but never
//! served through the link: attachments go to their owner only.

use crate::attachments::AttachmentKind;
use crate::conversation::{ConversationTree, MessageStatus, Role};
use serde::{Deserialize, Serialize};

/// What a link that is unknown, revoked or expired answers (the same words for all three).
pub const SHARE_GONE: &str = "This shared link does not exist, was revoked or has expired.";

/// Characters in a share token: 24 random bytes (192 bits) in unpadded base64url.
pub const SHARE_TOKEN_CHARS: usize = 32;

/// The page of the link with `token`.
pub fn share_path(token: &str) -> String {
    format!("/s/{token}")
}

/// True when `token` could be a share token (32 base64url characters); anything else is not
/// looked up at all.
pub fn is_token_shaped(token: &str) -> bool {
    token.len() == SHARE_TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// How long a new link works.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareExpiry {
    /// Until it is revoked.
    #[default]
    #[serde(rename = "never")]
    Never,
    /// One day.
    #[serde(rename = "1d")]
    OneDay,
    /// Seven days.
    #[serde(rename = "7d")]
    SevenDays,
    /// Thirty days.
    #[serde(rename = "30d")]
    ThirtyDays,
}

impl ShareExpiry {
    /// Every choice, in the order the dialog offers them.
    pub const ALL: [ShareExpiry; 4] = [
        ShareExpiry::Never,
        ShareExpiry::OneDay,
        ShareExpiry::SevenDays,
        ShareExpiry::ThirtyDays,
    ];

    /// The JSON name (`never`, `1d`, `7d`, `30d`), also the dialog's `<option>` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareExpiry::Never => "never",
            ShareExpiry::OneDay => "1d",
            ShareExpiry::SevenDays => "7d",
            ShareExpiry::ThirtyDays => "30d",
        }
    }

    /// The choice named `text`, if any.
    pub fn parse(text: &str) -> Option<ShareExpiry> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// What the dialog calls it.
    pub fn label(self) -> &'static str {
        match self {
            ShareExpiry::Never => "Never expires",
            ShareExpiry::OneDay => "1 day",
            ShareExpiry::SevenDays => "7 days",
            ShareExpiry::ThirtyDays => "30 days",
        }
    }

    /// How long the link lasts, in ms (`None`: forever).
    pub fn lifetime_ms(self) -> Option<i64> {
        const DAY_MS: i64 = 24 * 60 * 60 * 1000;
        match self {
            ShareExpiry::Never => None,
            ShareExpiry::OneDay => Some(DAY_MS),
            ShareExpiry::SevenDays => Some(7 * DAY_MS),
            ShareExpiry::ThirtyDays => Some(30 * DAY_MS),
        }
    }
}

/// One message of a snapshot, as the chat shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedMessage {
    /// Who wrote it (`system` only when the sharer included the system prompt).
    pub role: Role,
    /// The text (Markdown for answers).
    pub content: String,
    /// For answers: the model that wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Its state, so a stopped or failed answer carries its note.
    pub status: MessageStatus,
    /// The files sent with it, as chips (no bytes, no id: the link shows that they were
    /// there, not what they hold); absent in snapshots made before attachments existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<SharedFile>,
}

/// A file of a shared message, as its chip shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedFile {
    /// The file name the sender gave.
    pub name: String,
    /// Image, PDF or text, for the chip's icon.
    pub kind: AttachmentKind,
}

/// What a shared link shows, frozen when the link was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareSnapshot {
    /// The conversation's title at the time.
    pub title: String,
    /// The system prompt, only when the sharer ticked "Include system prompt".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// The branch the sharer was looking at, root first.
    pub messages: Vec<SharedMessage>,
    /// When the link was made, unix ms.
    pub created_at: i64,
}

/// A link as its owner lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareSummary {
    /// The secret part of the address `/s/{token}`.
    pub token: String,
    /// The shared conversation's title at the time.
    pub title: String,
    /// When it was made, unix ms.
    pub created_at: i64,
    /// When it stops working, unix ms (`None`: never).
    pub expires_at: Option<i64>,
    /// True once `expires_at` has passed (the page then answers 404).
    pub expired: bool,
}

/// The snapshot of `tree` a link made at `created_at` shows: the branch ending at `leaf` (the
/// last message the sharer sees; `None`: the newest branch), without answers still being
/// written, and with the system prompt (and system messages) only when `include_system_prompt`.
/// `None` when `leaf` is not a message of `tree`.
pub fn snapshot_of(
    tree: &ConversationTree,
    leaf: Option<&str>,
    include_system_prompt: bool,
    created_at: i64,
) -> Option<ShareSnapshot> {
    let branch = match leaf {
        Some(leaf) => {
            tree.message(leaf)?;
            tree.path_to(leaf)
        }
        None => tree.latest_path(),
    };
    let messages = branch
        .into_iter()
        .filter(|m| include_system_prompt || m.role != Role::System)
        .filter(|m| m.status != MessageStatus::Streaming)
        .map(|m| SharedMessage {
            role: m.role,
            content: m.content.clone(),
            model: m.model.clone(),
            status: m.status,
            files: m
                .attachments
                .iter()
                .map(|a| SharedFile {
                    name: a.name.clone(),
                    kind: a.kind,
                })
                .collect(),
        })
        .collect();
    let system_prompt = tree
        .conversation
        .system_prompt
        .clone()
        .filter(|p| include_system_prompt && !p.trim().is_empty());
    Some(ShareSnapshot {
        title: tree.conversation.title.clone(),
        system_prompt,
        messages,
        created_at,
    })
}
