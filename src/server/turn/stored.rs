//! Prepares a turn in a stored conversation: checks the request, then (and only then) writes
//! the user's message and the empty `streaming` answer row, and builds the history the model
//! is sent from the stored tree — the path from the root to the message being answered.
//!
//! Everything that can refuse a request (size limits, unknown ids, unknown model, files that
//! are not the user's, too many files, an image for a model that cannot see) is checked before
//! the first write, so a refused request changes nothing. Every user message on the path goes
//! to the model with its files (`turn::files`); a message may be empty when it carries files.

use crate::byte_size;
use crate::chat_request::StoredChat;
use crate::conversation::{derive_title, ConversationTree, Message, MessageStatus, Role};
use crate::events::{ChatMessage, StoredTurn, TurnAction};
use crate::providers::InputMessage;
use crate::server::error::AppError;
use crate::server::limits::storage_quota::{self, QuotaRoom};
use crate::server::state::AppState;
use crate::server::turn::files;
use crate::store::UserId;

/// What the model is told when asked to continue an answer cut by the token limit.
pub const CONTINUE_PROMPT: &str =
    "Continue your previous answer exactly where it stopped. Do not repeat anything already written.";

/// How a size refusal names a user's message (the same sentence on every path).
pub const MESSAGE: &str = "The message";

/// How a size refusal names a system prompt.
pub const SYSTEM_PROMPT: &str = "The system prompt";

/// A stored turn, ready to stream.
pub struct PreparedTurn {
    /// The model id (`provider/model`) to answer with.
    pub model_id: String,
    /// What the model is sent, files included.
    pub history: Vec<InputMessage>,
    /// Where the answer is stored.
    pub stored: StoredTurn,
    /// The answer row (`streaming`), with any text it already had (Continue).
    pub answer: Message,
    /// The room the user's storage quota leaves the answer (`None`: no quota).
    pub quota_room: Option<QuotaRoom>,
}

/// Checks `request`, stores the user's message (for `send`) and the answer row.
pub async fn prepare(
    state: &AppState,
    user: UserId,
    request: StoredChat,
) -> Result<PreparedTurn, AppError> {
    let limits = &state.config.server;
    let mut request = request;
    if let TurnAction::Send {
        content,
        attachments,
        ..
    } = &mut request.action
    {
        *attachments = files::distinct(attachments);
        files::check_file_count(attachments.len(), files::max_files_per_message(state))?;
        if attachments.is_empty() {
            check_message(content, limits.max_message_bytes)?;
        } else {
            check_size(MESSAGE, content, limits.max_message_bytes)?;
        }
    }
    if let Some(prompt) = &request.system_prompt {
        check_size(SYSTEM_PROMPT, prompt, limits.max_message_bytes)?;
    }
    let store = &state.store;
    let tree = match &request.conversation_id {
        Some(id) => Some(store.get_conversation(user, id).await?),
        None => None,
    };
    let model_id = pick_model(state, request.model, tree.as_ref())?;
    if let TurnAction::Send { attachments, .. } = &request.action {
        // The user's own, pending or already in this conversation (an edit keeps files).
        store
            .usable_attachments(user, tree.as_ref().map(|t| &t.conversation.id), attachments)
            .await
            .map_err(files::file_gone)?;
    }
    let system_prompt = match &tree {
        Some(tree) => tree.conversation.system_prompt.clone(),
        None => request.system_prompt.filter(|p| !p.trim().is_empty()),
    };
    let mut history: Vec<ChatMessage> = system_prompt
        .iter()
        .map(|prompt| ChatMessage {
            role: Role::System,
            content: prompt.clone(),
            attachments: Vec::new(),
        })
        .collect();
    let plan = plan_action(&request.action, tree.as_ref())?;
    if let (TurnAction::Continue { answer_id }, Some(tree)) = (&request.action, &tree) {
        check_room_to_continue(tree, answer_id, limits.max_answer_bytes)?;
    }
    history.extend(plan.context);
    let size: usize = history.iter().map(|m| m.content.len()).sum();
    if size > limits.max_request_bytes {
        return Err(AppError::PayloadTooLarge(format!(
            "The conversation is too large to send ({}; the limit is {}). Start a new chat.",
            byte_size::size(size as u64),
            byte_size::limit(limits.max_request_bytes as u64)
        )));
    }
    let adding = match (&request.action, &tree) {
        (TurnAction::Send { content, .. }, Some(_)) => content.len(),
        (TurnAction::Send { content, .. }, None) => {
            content.len()
                + derive_title(content).len()
                + system_prompt.as_ref().map_or(0, String::len)
        }
        _ => 0,
    };
    let quota_room = storage_quota::check(
        store,
        user,
        state.config.storage.max_user_storage_bytes,
        adding as u64,
    )
    .await?;
    history.extend(plan.tail);
    // The files' contents, and the vision check, before anything is written.
    let history = files::load_history(state, user, &model_id, history).await?;
    // Every check passed: from here on, write.
    let (conversation_id, title) = match tree {
        Some(tree) => {
            if tree.conversation.model.as_deref() != Some(model_id.as_str()) {
                store
                    .set_conversation_settings(
                        user,
                        &tree.conversation.id,
                        Some(&model_id),
                        tree.conversation.system_prompt.as_deref(),
                    )
                    .await?;
            }
            (tree.conversation.id, tree.conversation.title)
        }
        None => {
            let first = match &request.action {
                TurnAction::Send { content, .. } => content.as_str(),
                _ => "",
            };
            let created = store
                .create_conversation(
                    user,
                    &derive_title(first),
                    Some(&model_id),
                    system_prompt.as_deref(),
                )
                .await?;
            (created.id, created.title)
        }
    };
    let (user_message_id, answer) = match request.action {
        TurnAction::Send {
            parent_id,
            content,
            attachments,
        } => {
            let message = store
                .add_user_message_with_files(
                    user,
                    &conversation_id,
                    parent_id.as_ref(),
                    &content,
                    &attachments,
                )
                .await
                .map_err(files::file_gone)?;
            let answer = store
                .start_answer(user, &conversation_id, &message.id, &model_id)
                .await?;
            (message.id, answer)
        }
        TurnAction::Regenerate { user_message_id } => {
            let answer = store
                .start_answer(user, &conversation_id, &user_message_id, &model_id)
                .await?;
            (user_message_id, answer)
        }
        TurnAction::Continue { answer_id } => {
            let answer = store.reopen_answer(user, &answer_id).await?;
            let parent = answer.parent_id.clone().unwrap_or_default();
            (parent, answer)
        }
    };
    Ok(PreparedTurn {
        model_id,
        history,
        stored: StoredTurn {
            conversation_id,
            title,
            user_message_id,
            answer_id: answer.id.clone(),
            prefix_bytes: answer.content.len(),
        },
        answer,
        quota_room,
    })
}

/// Refuses to continue an answer that already has `max_answer_bytes` (0: no limit): it could
/// only be cut again at once.
fn check_room_to_continue(
    tree: &ConversationTree,
    answer_id: &str,
    max_answer_bytes: usize,
) -> Result<(), AppError> {
    let size = tree.message(answer_id).map_or(0, |m| m.content.len());
    if max_answer_bytes > 0 && size >= max_answer_bytes {
        return Err(AppError::PayloadTooLarge(format!(
            "This answer already has the largest size allowed ({}); it cannot be continued. \
             Regenerate it or ask a follow-up question instead.",
            byte_size::limit(max_answer_bytes as u64)
        )));
    }
    Ok(())
}

/// Refuses an empty or oversized message, with a message the user understands.
pub fn check_message(content: &str, max_bytes: usize) -> Result<(), AppError> {
    if content.trim().is_empty() {
        return Err(AppError::BadRequest("The message is empty.".to_string()));
    }
    check_size(MESSAGE, content, max_bytes)
}

/// Refuses text over `max_bytes`, naming it as `what` ([`MESSAGE`], [`SYSTEM_PROMPT`]).
pub fn check_size(what: &str, text: &str, max_bytes: usize) -> Result<(), AppError> {
    if text.len() > max_bytes {
        return Err(AppError::PayloadTooLarge(format!(
            "{what} is too long ({}; the limit is {}). Shorten it or attach less text.",
            byte_size::size(text.len() as u64),
            byte_size::limit(max_bytes as u64)
        )));
    }
    Ok(())
}

/// The requested model, else the conversation's (if still offered), else the default.
fn pick_model(
    state: &AppState,
    requested: Option<String>,
    tree: Option<&ConversationTree>,
) -> Result<String, AppError> {
    if let Some(model) = requested.filter(|m| !m.trim().is_empty()) {
        return match state.catalog.resolve(&model) {
            Some(_) => Ok(model),
            None => Err(AppError::NotFound(format!("Unknown model {model:?}."))),
        };
    }
    tree.and_then(|t| t.conversation.model.clone())
        .filter(|m| state.catalog.resolve(m).is_some())
        .or_else(|| state.catalog.default_model())
        .ok_or_else(|| AppError::BadRequest("No model is configured.".to_string()))
}

/// The history an action needs, split around the writes.
struct ActionPlan {
    /// Stored messages on the path to the message being answered (already in the database).
    context: Vec<ChatMessage>,
    /// Messages after them: the new user message (send) or the partial answer and the
    /// continue instruction (continue).
    tail: Vec<ChatMessage>,
}

/// Checks the ids an action names against the tree and collects its history.
fn plan_action(
    action: &TurnAction,
    tree: Option<&ConversationTree>,
) -> Result<ActionPlan, AppError> {
    let not_found = || AppError::NotFound("That message does not exist.".to_string());
    let path = |id: &str, role: Role| -> Result<Vec<ChatMessage>, AppError> {
        let tree = tree.ok_or_else(not_found)?;
        match tree.message(id) {
            Some(message) if message.role == role => Ok(history_of(&tree.path_to(id))),
            _ => Err(not_found()),
        }
    };
    match action {
        TurnAction::Send {
            parent_id,
            content,
            attachments,
        } => {
            let context = match parent_id {
                Some(parent) => path(parent, Role::Assistant)?,
                None => Vec::new(),
            };
            let tail = vec![ChatMessage {
                role: Role::User,
                content: content.clone(),
                attachments: attachments.clone(),
            }];
            Ok(ActionPlan { context, tail })
        }
        TurnAction::Regenerate { user_message_id } => Ok(ActionPlan {
            context: path(user_message_id, Role::User)?,
            tail: Vec::new(),
        }),
        TurnAction::Continue { answer_id } => {
            let answer = tree
                .and_then(|t| t.message(answer_id))
                .filter(|m| m.role == Role::Assistant)
                .ok_or_else(not_found)?;
            if answer.status == MessageStatus::Streaming {
                return Err(AppError::BadRequest(
                    "That answer is still being written.".to_string(),
                ));
            }
            let context = match &answer.parent_id {
                Some(parent) => path(parent, Role::User)?,
                None => Vec::new(),
            };
            // The partial answer goes last, then the instruction to continue it.
            let tail = if answer.content.is_empty() {
                Vec::new()
            } else {
                vec![
                    ChatMessage {
                        role: Role::Assistant,
                        content: answer.content.clone(),
                        attachments: Vec::new(),
                    },
                    ChatMessage {
                        role: Role::User,
                        content: CONTINUE_PROMPT.to_string(),
                        attachments: Vec::new(),
                    },
                ]
            };
            Ok(ActionPlan { context, tail })
        }
    }
}

/// The model's view of a stored path: failed and empty answers are left out; user messages
/// name their files (a message with files and no text is kept).
fn history_of(path: &[&Message]) -> Vec<ChatMessage> {
    path.iter()
        .filter(|m| !(m.role == Role::Assistant && m.status == MessageStatus::Error))
        .filter(|m| !m.content.is_empty() || !m.attachments.is_empty())
        .map(|m| ChatMessage {
            role: m.role,
            content: m.content.clone(),
            attachments: m.attachments.iter().map(|a| a.id.clone()).collect(),
        })
        .collect()
}
