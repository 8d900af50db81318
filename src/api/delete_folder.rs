//! `POST /api/folders/delete` — deletes a folder; its chats are kept, in no folder. Body:
//! `{"id": "…"}`.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::FolderId;
use leptos::prelude::*;

/// Deletes the folder `id` (not its chats).
#[server(prefix = "/api", endpoint = "folders/delete", input = ArgsJson)]
pub async fn delete_folder(id: FolderId) -> Result<(), ApiError> {
    use crate::organise::FOLDER_NOT_FOUND;
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .delete_folder(user, &id)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, FOLDER_NOT_FOUND)))
}
