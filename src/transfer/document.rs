//! The JSON export format, version 1: one conversation with every message of every branch.
//! Messages are listed parent before child (a depth-first walk that keeps siblings in their
//! stored order), so a reader can link each one to a parent it has already seen. The ids are
//! the exporting server's; an import only uses them to link parents and gives fresh ones.
//! A user message's files travel inside it ([`ExportAttachment`]: name, kind, type, the bytes
//! in base64 and any text); the field is optional, so files written before attachments
//! existed still read as version 1 and older readers ignore it.

use crate::attachments::AttachmentKind;
use crate::conversation::{AnswerStats, ConversationTree, Message, MessageStatus, Role};
use crate::feedback::{MessageFeedback, Rating};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The value of `format` in every export: tells a Sluice file from any other JSON.
pub const FORMAT: &str = "sluice.conversation";

/// The format version this build writes and reads; a later incompatible change bumps it.
pub const VERSION: u32 = 1;

/// A whole exported conversation, as written to the `.json` download.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportDocument {
    /// Always [`FORMAT`]; an import refuses other files with a clear message.
    pub format: String,
    /// Always [`VERSION`]; an import refuses versions it does not know.
    pub version: u32,
    /// When the file was written, unix ms (informational; an import ignores it).
    pub exported_at: i64,
    /// The conversation's own fields.
    pub conversation: ExportConversation,
    /// Every message, parents before their children.
    pub messages: Vec<ExportMessage>,
}

/// The conversation's own fields in an export (no id: an import creates a new conversation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportConversation {
    /// The title shown in the sidebar.
    pub title: String,
    /// The model used for new answers, so an imported chat continues with the same one.
    pub model: Option<String>,
    /// The system prompt, kept so that follow-ups after an import behave the same.
    pub system_prompt: Option<String>,
    /// Creation time, unix ms; kept by an import.
    pub created_at: i64,
    /// Last activity, unix ms; kept by an import (it places the chat in the sidebar).
    pub updated_at: i64,
    /// Pinned to the top of the sidebar; kept by an import (left out when not, so files of
    /// chats never organised read as before).
    #[serde(default, skip_serializing_if = "is_false")]
    pub pinned: bool,
    /// When it was archived, unix ms; an import keeps it archived (left out when not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<i64>,
    /// The name of its folder (names, not ids, mean something on another server); an import
    /// puts it in the importing user's folder of that name, creating it if needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
}

/// For `skip_serializing_if`: an unset flag is left out.
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// One message of the tree in an export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportMessage {
    /// The exporting server's id, used only to link children to it.
    pub id: String,
    /// The id of the message it answers or follows (`null`: a root); siblings share it.
    pub parent_id: Option<String>,
    /// Who wrote it.
    pub role: Role,
    /// The text, verbatim.
    pub content: String,
    /// Its life-cycle state (a `streaming` answer is imported as `interrupted`).
    pub status: MessageStatus,
    /// For status `error`: the reason shown with the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For answers: the model that wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// For answers: usage and speed, shown under the answer (left out when nothing is known).
    #[serde(default, skip_serializing_if = "stats_are_empty")]
    pub stats: AnswerStats,
    /// Creation time, unix ms; kept by an import (it orders siblings).
    pub created_at: i64,
    /// Last write, unix ms; kept by an import.
    pub updated_at: i64,
    /// For answers: the exporting user's rating, restored by an import (left out when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<ExportFeedback>,
    /// For user messages: the files sent with it, in order (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ExportAttachment>,
}

/// A file of a user message in an export: everything needed to store it again (an import
/// checks the bytes again, as an upload, and trusts nothing else here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportAttachment {
    /// The file name the user gave.
    pub name: String,
    /// Image, PDF or text (informational: an import decides again from the bytes).
    pub kind: AttachmentKind,
    /// The stored bytes' type (informational, as `kind`).
    pub content_type: String,
    /// The stored bytes, standard base64.
    pub data: String,
    /// A PDF's text layer or a text file's text, for readers of the file (an import takes
    /// the text from the bytes again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What an export needs of one attached file besides its meta.
#[derive(Clone, Copy, Debug)]
pub struct FileContent<'a> {
    /// The stored bytes.
    pub bytes: &'a [u8],
    /// The stored text, if any.
    pub text: Option<&'a str>,
}

/// A rating in an export: the message it belongs to carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportFeedback {
    /// `up` or `down`.
    pub rating: Rating,
    /// The comment, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// True when no statistic is known (user messages, failed answers).
fn stats_are_empty(stats: &AnswerStats) -> bool {
    *stats == AnswerStats::default()
}

impl ExportDocument {
    /// The export of `tree`, written at `exported_at` (unix ms), without files.
    pub fn from_tree(tree: &ConversationTree, exported_at: i64) -> ExportDocument {
        Self::with_files(tree, exported_at, &HashMap::new())
    }

    /// The export of `tree` with the files of its messages, `files` by attachment id (a file
    /// missing there is left out).
    pub fn with_files(
        tree: &ConversationTree,
        exported_at: i64,
        files: &HashMap<String, FileContent<'_>>,
    ) -> ExportDocument {
        let conversation = &tree.conversation;
        ExportDocument {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at,
            conversation: ExportConversation {
                title: conversation.title.clone(),
                model: conversation.model.clone(),
                system_prompt: conversation.system_prompt.clone(),
                created_at: conversation.created_at,
                updated_at: conversation.updated_at,
                // The tree does not know where the chat sits; the export route adds it.
                pinned: false,
                archived_at: None,
                folder: None,
            },
            messages: parents_first(tree)
                .into_iter()
                .map(|message| ExportMessage::from_message(message, &tree.feedback, files))
                .collect(),
        }
    }
}

impl ExportMessage {
    /// The export form of a stored message, with its rating among `feedback` and its files
    /// from `files`.
    fn from_message(
        message: &Message,
        feedback: &[MessageFeedback],
        files: &HashMap<String, FileContent<'_>>,
    ) -> ExportMessage {
        use base64::Engine as _;
        ExportMessage {
            id: message.id.clone().into(),
            parent_id: message.parent_id.clone().map(String::from),
            role: message.role,
            content: message.content.clone(),
            status: message.status,
            error: message.error.clone(),
            model: message.model.clone(),
            stats: message.stats.clone(),
            created_at: message.created_at,
            updated_at: message.updated_at,
            feedback: feedback
                .iter()
                .find(|f| f.message_id == message.id)
                .map(|f| ExportFeedback {
                    rating: f.rating,
                    comment: f.comment.clone(),
                }),
            attachments: message
                .attachments
                .iter()
                .filter_map(|meta| {
                    let content = files.get(meta.id.as_str())?;
                    Some(ExportAttachment {
                        name: meta.name.clone(),
                        kind: meta.kind,
                        content_type: meta.content_type.clone(),
                        data: base64::engine::general_purpose::STANDARD.encode(content.bytes),
                        text: content.text.map(str::to_owned),
                    })
                })
                .collect(),
        }
    }
}

/// The messages of `tree` depth-first from the roots, each parent before its children and
/// siblings in stored order. Messages unreachable from a root (impossible in a consistent
/// store) are appended at the end rather than lost.
fn parents_first(tree: &ConversationTree) -> Vec<&Message> {
    let ids: HashSet<&str> = tree.messages.iter().map(|m| m.id.as_str()).collect();
    let mut children: HashMap<Option<&str>, Vec<&Message>> = HashMap::new();
    for message in &tree.messages {
        // A parent that is not in the tree makes its child a root, so the walk still finds it.
        let parent = message.parent_id.as_deref().filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(message);
    }
    let mut ordered = Vec::with_capacity(tree.messages.len());
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&Message> = children
        .get(&None)
        .map(|roots| roots.iter().rev().copied().collect())
        .unwrap_or_default();
    while let Some(message) = stack.pop() {
        if !seen.insert(message.id.as_str()) {
            continue;
        }
        ordered.push(message);
        if let Some(kids) = children.get(&Some(message.id.as_str())) {
            stack.extend(kids.iter().rev().copied());
        }
    }
    ordered.extend(
        tree.messages
            .iter()
            .filter(|m| !seen.contains(m.id.as_str())),
    );
    ordered
}
