//! The checks on a temporary chat's request, which carries its whole history (nothing is
//! stored): at most `max_request_messages` messages, at most `max_request_bytes` once encoded
//! (so a flood of empty messages, each costing the provider a message, is refused as surely as
//! one huge one), a last message from the user with some text, and every user and system
//! message within `max_message_bytes`, refused with the same sentences as in a stored chat
//! (answers in the history are bounded by the whole request's size only, as a stored answer
//! may be longer than a message). A message may carry at most `max_files_per_message` files,
//! each a pending upload of the user's (they stay pending, so the sweeper removes them a day
//! after upload: a temporary chat keeps nothing); the last message may be empty when it carries
//! files.

use crate::events::{ChatMessage, Role};
use crate::ids::AttachmentId;
use crate::providers::InputMessage;
use crate::server::config::ServerConfig;
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::server::turn::files;
use crate::server::turn::stored::{check_size, MESSAGE, SYSTEM_PROMPT};
use crate::store::UserId;

/// Refuses requests that cannot make a sensible turn, before anything else happens.
pub fn validate(
    messages: &[ChatMessage],
    limits: &ServerConfig,
    max_files: usize,
) -> Result<(), AppError> {
    if messages.len() > limits.max_request_messages {
        return Err(AppError::PayloadTooLarge(format!(
            "The conversation has too many messages ({}; the limit is {}). Start a new chat.",
            messages.len(),
            limits.max_request_messages
        )));
    }
    let last = messages
        .last()
        .ok_or_else(|| AppError::BadRequest("The conversation is empty.".to_string()))?;
    if last.role != Role::User || (last.content.trim().is_empty() && last.attachments.is_empty()) {
        return Err(AppError::BadRequest(
            "The last message must be a non-empty message from the user.".to_string(),
        ));
    }
    for message in messages {
        files::check_file_count(files::distinct(&message.attachments).len(), max_files)?;
        match message.role {
            Role::User => check_size(MESSAGE, &message.content, limits.max_message_bytes)?,
            Role::System => check_size(SYSTEM_PROMPT, &message.content, limits.max_message_bytes)?,
            Role::Assistant => {}
        }
    }
    let size = encoded_size(messages);
    if size > limits.max_request_bytes {
        return Err(AppError::PayloadTooLarge(format!(
            "The conversation is too large ({}; the limit is {}). Shorten the message.",
            crate::byte_size::size(size as u64),
            crate::byte_size::limit(limits.max_request_bytes as u64)
        )));
    }
    Ok(())
}

/// Checks that every file the messages name is a pending upload of `user`'s, loads them and
/// refuses images for a blind `model_id`: the provider's input.
pub async fn load_files(
    state: &AppState,
    user: UserId,
    model_id: &str,
    messages: Vec<ChatMessage>,
) -> Result<Vec<InputMessage>, AppError> {
    let named: Vec<AttachmentId> = messages
        .iter()
        .flat_map(|m| m.attachments.iter().cloned())
        .collect();
    state
        .store
        .usable_attachments(user, None, &files::distinct(&named))
        .await
        .map_err(files::file_gone)?;
    files::load_history(state, user, model_id, messages).await
}

/// The size of `messages` encoded as JSON, as the provider request will carry them (counted,
/// not built).
fn encoded_size(messages: &[ChatMessage]) -> usize {
    let mut counter = ByteCounter(0);
    match serde_json::to_writer(&mut counter, messages) {
        Ok(()) => counter.0,
        // Writing to a counter cannot fail; if it ever did, count as too large.
        Err(_) => usize::MAX,
    }
}

/// A writer that only counts the bytes written to it.
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(bytes.len());
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::encoded_size;
    use crate::events::{ChatMessage, Role};

    #[test]
    fn the_encoded_size_is_the_json_length() {
        let messages = vec![
            ChatMessage {
                role: Role::User,
                content: "a \"quoted\" line\n".to_string(),
                attachments: Vec::new(),
            };
            3
        ];
        let json = serde_json::to_vec(&messages).map(|v| v.len()).ok();
        assert_eq!(Some(encoded_size(&messages)), json);
    }
}
