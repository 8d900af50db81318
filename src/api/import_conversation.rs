//! `POST /api/conversations/import` — creates a new conversation from a JSON export (the file
//! `GET /api/conversations/{id}/export?format=json` downloads). Body: `{"document": "<the
//! file's text>"}`; answers the new conversation. A refused file changes nothing: 413 when it
//! is over a size limit (`max_import_bytes`, [`MAX_IMPORT_MESSAGES`](crate::transfer::MAX_IMPORT_MESSAGES)
//! messages — counted before the file is parsed —,
//! [`MAX_IMPORT_MESSAGE_BYTES`](crate::transfer::MAX_IMPORT_MESSAGE_BYTES) or
//! `max_answer_bytes`, whichever is larger, per message) or would pass the user's storage
//! quota, else 400, with a sentence saying what is wrong and where. Every attached file is
//! checked again as an upload is (`sluice_attachments::prepare`, on a blocking thread); one
//! refused file refuses the import with its sentence, and the files' bytes count toward the
//! quota.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::conversation::Conversation;
use leptos::prelude::*;

/// Imports `document` (an exported file's text) as a new conversation of the current user.
#[server(prefix = "/api", endpoint = "conversations/import", input = ArgsJson)]
pub async fn import_conversation(document: String) -> Result<Conversation, ApiError> {
    use crate::server::{error::AppError, limits::storage_quota, state::AppState};
    use crate::transfer::{parse_import, ImportLimits, MAX_IMPORT_MESSAGE_BYTES};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let limits = ImportLimits {
        max_bytes: state.config.server.max_import_bytes,
        // Every answer this server stores can be imported again.
        max_message_bytes: MAX_IMPORT_MESSAGE_BYTES.max(state.config.server.max_answer_bytes),
        max_files_per_message: crate::server::turn::files::max_files_per_message(&state),
        ..ImportLimits::default()
    };
    let import = parse_import(document.as_bytes(), &limits).map_err(|e| {
        let message = e.to_string();
        let error = if e.is_too_large() {
            AppError::PayloadTooLarge(message)
        } else {
            AppError::BadRequest(message)
        };
        ApiError::from(error)
    })?;
    let files = crate::server::turn::files::check_imported_files(&state, &import)
        .await
        .map_err(ApiError::from)?;
    let file_bytes: u64 = files
        .iter()
        .flatten()
        .map(|(_, file)| file.bytes.len() as u64)
        .sum();
    storage_quota::check(
        &state.store,
        user,
        state.config.storage.max_user_storage_bytes,
        import.stored_bytes() + file_bytes,
    )
    .await
    .map_err(ApiError::from)?;
    state
        .store
        .import_conversation_with_files(user, &import, &files)
        .await
        .map_err(ApiError::from)
}
