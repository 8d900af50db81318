//! The pure validator of an imported JSON export: [`parse_import`] checks size, encoding,
//! the number of messages and values (a pre-scan, `import_scan`, before any JSON value is
//! built), format, version, every message and the shape of the tree, and returns a [`ValidImport`]
//! that the store can insert without further checks, or the first problem found as an
//! [`ImportError`]. Lenient where nothing is lost: an absent title becomes
//! [`DEFAULT_IMPORTED_TITLE`], an absent status `complete`, absent timestamps the import time,
//! unknown extra fields are ignored; a `streaming` answer becomes `interrupted` (nothing is
//! writing it any more). A user message's files are decoded from base64 here (at most
//! `max_files_per_message` each, user messages only); the server then checks their bytes as
//! it checks an upload, before anything is stored.

use super::document::{ExportFeedback, FORMAT, VERSION};
use super::import_error::ImportError;
use super::import_scan::check_counts;
use crate::api::rename_conversation::MAX_TITLE_CHARS;
use crate::conversation::{AnswerStats, MessageStatus, Role};
use crate::feedback::MAX_FEEDBACK_COMMENT_CHARS;
use crate::organise::normalize_folder_name;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// The most messages one imported conversation may have.
pub const MAX_IMPORT_MESSAGES: usize = 10_000;

/// The longest text of one imported message (or system prompt), in bytes. Larger than the
/// limit on what a person types, because answers are not bounded by that limit.
pub const MAX_IMPORT_MESSAGE_BYTES: usize = 1024 * 1024;

/// The default byte limit of a whole file (the server reads its own from the config).
const DEFAULT_MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// The title given to an import whose file has none.
pub const DEFAULT_IMPORTED_TITLE: &str = "Imported chat";

/// The longest piece of a file's own text (an id, a version) quoted back in an error.
const MAX_QUOTED_CHARS: usize = 40;

/// The limits an import is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportLimits {
    /// Largest file, in bytes, so a huge upload is refused before it is parsed.
    pub max_bytes: usize,
    /// Most messages, so one import cannot make a conversation the page cannot show.
    pub max_messages: usize,
    /// Largest single message or system prompt, in bytes.
    pub max_message_bytes: usize,
    /// Most files one imported user message may carry (as on sending).
    pub max_files_per_message: usize,
}

impl Default for ImportLimits {
    /// 8 MiB, [`MAX_IMPORT_MESSAGES`] messages, [`MAX_IMPORT_MESSAGE_BYTES`] per message, 10
    /// files per message.
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_IMPORT_BYTES,
            max_messages: MAX_IMPORT_MESSAGES,
            max_message_bytes: MAX_IMPORT_MESSAGE_BYTES,
            max_files_per_message: 10,
        }
    }
}

/// A checked import, ready to insert as a new conversation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidImport {
    /// Whitespace-collapsed, non-empty, within the rename limit.
    pub title: String,
    /// Model for new answers (`None` when absent or blank).
    pub model: Option<String>,
    /// System prompt (`None` when absent or blank).
    pub system_prompt: Option<String>,
    /// Creation time from the file; `None`: the store uses the import time.
    pub created_at: Option<i64>,
    /// Last activity from the file; `None`: the store uses the import time.
    pub updated_at: Option<i64>,
    /// Pinned in the file (absent: not pinned).
    pub pinned: bool,
    /// Archived in the file at this time (absent: not archived).
    pub archived_at: Option<i64>,
    /// The folder's name, normalized as a typed one (absent or blank: none); the store finds
    /// or creates the importing user's folder of that name.
    pub folder: Option<String>,
    /// The messages in file order; every parent comes before its children.
    pub messages: Vec<ImportedMessage>,
}

impl ValidImport {
    /// Bytes of text the import stores (title, system prompt, every message), as the
    /// storage quota counts them (the files are counted after the intake has checked them).
    pub fn stored_bytes(&self) -> u64 {
        let messages: usize = self.messages.iter().map(|m| m.content.len()).sum();
        (self.title.len() + self.system_prompt.as_ref().map_or(0, String::len) + messages) as u64
    }
}

/// One checked message; links are positions in [`ValidImport::messages`], not the file's ids.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedMessage {
    /// Position of the parent (always smaller than this message's own), `None` for a root.
    pub parent: Option<usize>,
    /// Who wrote it.
    pub role: Role,
    /// The text, verbatim.
    pub content: String,
    /// Its state (`streaming` in the file becomes `interrupted`).
    pub status: MessageStatus,
    /// For status `error`: the reason shown.
    pub error: Option<String>,
    /// For answers: the model that wrote it.
    pub model: Option<String>,
    /// For answers: usage and speed.
    pub stats: AnswerStats,
    /// Creation time from the file; `None`: the store uses the import time.
    pub created_at: Option<i64>,
    /// Last write from the file; `None`: its creation time.
    pub updated_at: Option<i64>,
    /// For answers: the exporting user's rating, restored for the importing user.
    pub feedback: Option<ExportFeedback>,
    /// For user messages: the files, decoded but not yet checked (the server runs each
    /// through the intake before storing anything).
    pub files: Vec<ImportedFile>,
}

/// A file of an imported message, as the file carried it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedFile {
    /// The name it had.
    pub name: String,
    /// The bytes, decoded from base64, unchecked.
    pub bytes: Vec<u8>,
}

/// A file of a message as read from a file, before checks (its kind, type and text are not
/// read: the bytes decide them again).
#[derive(Deserialize)]
struct RawAttachment {
    /// The file name.
    name: String,
    /// The bytes in standard base64.
    data: String,
}

/// The conversation object as read from a file, before checks.
#[derive(Deserialize)]
struct RawConversation {
    /// Title, if any.
    title: Option<String>,
    /// Model, if any.
    model: Option<String>,
    /// System prompt, if any.
    system_prompt: Option<String>,
    /// Creation time, if any.
    created_at: Option<i64>,
    /// Last activity, if any.
    updated_at: Option<i64>,
    /// Pinned, if said (files written before organising have none).
    pinned: Option<bool>,
    /// Archive time, if archived.
    archived_at: Option<i64>,
    /// Folder name, if in one.
    folder: Option<String>,
}

/// One message as read from a file, before checks (role and status as text, so that an
/// unknown one gets its own clear error).
#[derive(Deserialize)]
struct RawMessage {
    /// The file's id, for links only.
    id: String,
    /// The file's parent id.
    parent_id: Option<String>,
    /// Role as written.
    role: String,
    /// Text.
    content: String,
    /// Status as written (absent: complete).
    status: Option<String>,
    /// Error reason.
    error: Option<String>,
    /// Model.
    model: Option<String>,
    /// Statistics (absent: none known).
    #[serde(default)]
    stats: AnswerStats,
    /// Creation time.
    created_at: Option<i64>,
    /// Last write.
    updated_at: Option<i64>,
    /// The rating of an answer, if any.
    #[serde(default)]
    feedback: Option<ExportFeedback>,
    /// A user message's files, if any.
    #[serde(default)]
    attachments: Vec<RawAttachment>,
}

/// Checks an uploaded export against `limits`; the first problem found is the error.
pub fn parse_import(bytes: &[u8], limits: &ImportLimits) -> Result<ValidImport, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8)?;
    // Some editors save a byte-order mark, which JSON does not allow.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Count before building anything: too many messages (or values) never reach the parser.
    check_counts(text, limits.max_messages)?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let Value::Object(mut root) = value else {
        return Err(ImportError::WrongFormat);
    };
    if root.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(ImportError::WrongFormat);
    }
    match root.get("version") {
        Some(version) if version.as_u64() == Some(u64::from(VERSION)) => {}
        Some(version) => {
            return Err(ImportError::UnsupportedVersion {
                found: quoted(&version.to_string()),
                supported: VERSION,
            })
        }
        None => {
            return Err(ImportError::Malformed(
                "the \"version\" field is missing".to_string(),
            ))
        }
    }
    let Some(Value::Array(raw_messages)) = root.remove("messages") else {
        return Err(ImportError::Malformed(
            "\"messages\" must be a list of messages".to_string(),
        ));
    };
    if raw_messages.len() > limits.max_messages {
        return Err(ImportError::TooManyMessages {
            count: raw_messages.len(),
            limit: limits.max_messages,
        });
    }
    let conversation: RawConversation = match root.remove("conversation") {
        Some(value) if !value.is_object() => {
            return Err(ImportError::Malformed(
                "\"conversation\" must be an object".to_string(),
            ))
        }
        Some(value) => serde_json::from_value(value)
            .map_err(|e| ImportError::Malformed(format!("in \"conversation\": {e}")))?,
        None => {
            return Err(ImportError::Malformed(
                "the \"conversation\" object is missing".to_string(),
            ))
        }
    };
    let title = check_title(conversation.title)?;
    let folder = non_blank(conversation.folder)
        .map(|name| normalize_folder_name(&name))
        .transpose()
        .map_err(|e| ImportError::Malformed(format!("in \"conversation\": {e}")))?;
    let system_prompt = non_blank(conversation.system_prompt);
    if let Some(prompt) = &system_prompt {
        if prompt.len() > limits.max_message_bytes {
            return Err(ImportError::SystemPromptTooLong {
                size: prompt.len(),
                limit: limits.max_message_bytes,
            });
        }
    }
    let (raw, ids) = read_messages(raw_messages, limits)?;
    let parents = link_parents(&raw, &ids)?;
    check_tree(&raw, &parents)?;
    let messages = raw
        .into_iter()
        .zip(parents)
        .enumerate()
        .map(|(position, ((message, role, status), parent))| {
            let files = decode_files(position + 1, role, message.attachments, limits)?;
            Ok(ImportedMessage {
                files,
                parent,
                role,
                content: message.content,
                status,
                error: message.error,
                model: non_blank(message.model),
                stats: message.stats,
                created_at: message.created_at,
                updated_at: message.updated_at,
                // Only answers are rated; a rating elsewhere in a file is left out.
                feedback: message.feedback.filter(|_| role == Role::Assistant),
            })
        })
        .collect::<Result<Vec<_>, ImportError>>()?;
    Ok(ValidImport {
        title,
        model: non_blank(conversation.model),
        system_prompt,
        created_at: conversation.created_at,
        updated_at: conversation.updated_at,
        pinned: conversation.pinned.unwrap_or(false),
        archived_at: conversation.archived_at,
        folder,
        messages,
    })
}

/// The files of message `index` decoded: user messages only, at most
/// `max_files_per_message`, each named and valid base64.
fn decode_files(
    index: usize,
    role: Role,
    raw: Vec<RawAttachment>,
    limits: &ImportLimits,
) -> Result<Vec<ImportedFile>, ImportError> {
    use base64::Engine as _;
    let malformed = |reason: String| ImportError::MalformedMessage { index, reason };
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    if role != Role::User {
        return Err(malformed("only user messages carry files".to_string()));
    }
    if raw.len() > limits.max_files_per_message {
        return Err(malformed(format!(
            "it carries {} files; the limit is {}",
            raw.len(),
            limits.max_files_per_message
        )));
    }
    raw.into_iter()
        .enumerate()
        .map(|(n, file)| {
            if file.name.trim().is_empty() {
                return Err(malformed(format!("its file {} has no name", n + 1)));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(file.data.as_bytes())
                .map_err(|_| {
                    malformed(format!(
                        "its file {} is not valid base64",
                        quoted(&file.name)
                    ))
                })?;
            Ok(ImportedFile {
                name: file.name,
                bytes,
            })
        })
        .collect()
}

/// A message with its parsed role and status.
type Checked = (RawMessage, Role, MessageStatus);

/// Reads every message (structure, size, id, role, status) and maps each id to its position.
fn read_messages(
    values: Vec<Value>,
    limits: &ImportLimits,
) -> Result<(Vec<Checked>, HashMap<String, usize>), ImportError> {
    let mut messages = Vec::with_capacity(values.len());
    let mut ids: HashMap<String, usize> = HashMap::with_capacity(values.len());
    for (position, value) in values.into_iter().enumerate() {
        let index = position + 1;
        if !value.is_object() {
            return Err(ImportError::MalformedMessage {
                index,
                reason: "it is not an object".to_string(),
            });
        }
        let message: RawMessage =
            serde_json::from_value(value).map_err(|e| ImportError::MalformedMessage {
                index,
                reason: e.to_string(),
            })?;
        if message.content.len() > limits.max_message_bytes {
            return Err(ImportError::MessageTooLong {
                index,
                size: message.content.len(),
                limit: limits.max_message_bytes,
            });
        }
        if message.id.is_empty() {
            return Err(ImportError::EmptyId { index });
        }
        let comment_chars = message
            .feedback
            .as_ref()
            .and_then(|f| f.comment.as_ref())
            .map_or(0, |c| c.chars().count());
        if comment_chars > MAX_FEEDBACK_COMMENT_CHARS {
            return Err(ImportError::MalformedMessage {
                index,
                reason: format!(
                    "its feedback comment is longer than {MAX_FEEDBACK_COMMENT_CHARS} characters"
                ),
            });
        }
        if let Some(first) = ids.get(&message.id) {
            return Err(ImportError::DuplicateId {
                index,
                id: quoted(&message.id),
                first: first + 1,
            });
        }
        let role = parse_role(&message.role).ok_or_else(|| ImportError::UnknownRole {
            index,
            role: quoted(&message.role),
        })?;
        let status = match message.status.as_deref() {
            None => MessageStatus::Complete,
            Some(status) => parse_status(status).ok_or_else(|| ImportError::UnknownStatus {
                index,
                status: quoted(status),
            })?,
        };
        ids.insert(message.id.clone(), position);
        messages.push((message, role, status));
    }
    Ok((messages, ids))
}

/// Resolves every parent id to a position; then refuses cycles and parents that come late.
fn link_parents(
    messages: &[Checked],
    ids: &HashMap<String, usize>,
) -> Result<Vec<Option<usize>>, ImportError> {
    let mut parents = Vec::with_capacity(messages.len());
    for (position, (message, _, _)) in messages.iter().enumerate() {
        let parent = match &message.parent_id {
            None => None,
            Some(parent_id) => {
                Some(
                    *ids.get(parent_id)
                        .ok_or_else(|| ImportError::UnknownParent {
                            index: position + 1,
                            parent: quoted(parent_id),
                        })?,
                )
            }
        };
        parents.push(parent);
    }
    if let Some(position) = find_cycle(&parents) {
        return Err(ImportError::Cycle {
            index: position + 1,
        });
    }
    for (position, parent) in parents.iter().enumerate() {
        if let Some(parent) = *parent {
            if parent > position {
                return Err(ImportError::ParentAfterChild {
                    index: position + 1,
                    parent_index: parent + 1,
                });
            }
        }
    }
    Ok(parents)
}

/// A position on a cycle of parent links, if there is one (each message has at most one
/// parent, so following the links either reaches a root or loops).
fn find_cycle(parents: &[Option<usize>]) -> Option<usize> {
    /// Not looked at yet.
    const UNSEEN: u8 = 0;
    /// On the walk in progress.
    const ON_WALK: u8 = 1;
    /// Known to lead to a root.
    const ROOTED: u8 = 2;
    let mut state = vec![UNSEEN; parents.len()];
    for start in 0..parents.len() {
        let mut walk = Vec::new();
        let mut at = Some(start);
        while let Some(position) = at {
            match state.get(position).copied() {
                Some(ROOTED) | None => break,
                Some(ON_WALK) => return Some(position),
                Some(_) => {}
            }
            state[position] = ON_WALK;
            walk.push(position);
            at = parents[position];
        }
        for position in walk {
            state[position] = ROOTED;
        }
    }
    None
}

/// The roles alternate: a system message only as a root, a user message as a root or after
/// an answer (or a system message), an answer only after a user message.
fn check_tree(messages: &[Checked], parents: &[Option<usize>]) -> Result<(), ImportError> {
    for (position, ((_, role, _), parent)) in messages.iter().zip(parents).enumerate() {
        let index = position + 1;
        let parent_role = parent
            .and_then(|p| messages.get(p))
            .map(|(_, role, _)| *role);
        match (role, parent_role) {
            (Role::System, Some(_)) => return Err(ImportError::SystemNotRoot { index }),
            (Role::User, Some(Role::User)) => return Err(ImportError::UserAfterUser { index }),
            (Role::Assistant, parent) if parent != Some(Role::User) => {
                return Err(ImportError::AssistantWithoutUser { index })
            }
            _ => {}
        }
    }
    Ok(())
}

/// The title, whitespace collapsed; absent: [`DEFAULT_IMPORTED_TITLE`]; blank or too long:
/// an error.
fn check_title(title: Option<String>) -> Result<String, ImportError> {
    let Some(title) = title else {
        return Ok(DEFAULT_IMPORTED_TITLE.to_string());
    };
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(ImportError::EmptyTitle);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(ImportError::TitleTooLong {
            limit: MAX_TITLE_CHARS,
        });
    }
    Ok(title)
}

/// `None` for an absent or blank text.
fn non_blank(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

/// A role name as the export writes it.
fn parse_role(role: &str) -> Option<Role> {
    match role {
        "user" => Some(Role::User),
        "assistant" => Some(Role::Assistant),
        "system" => Some(Role::System),
        _ => None,
    }
}

/// A status name as the export writes it; `streaming` becomes `interrupted`.
fn parse_status(status: &str) -> Option<MessageStatus> {
    match status {
        "complete" => Some(MessageStatus::Complete),
        "stopped" => Some(MessageStatus::Stopped),
        "error" => Some(MessageStatus::Error),
        "interrupted" | "streaming" => Some(MessageStatus::Interrupted),
        _ => None,
    }
}

/// A piece of the file's text short enough to quote in an error.
fn quoted(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTED_CHARS {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(MAX_QUOTED_CHARS).collect();
        short.push('…');
        short
    }
}
