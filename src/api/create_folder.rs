//! `POST /api/folders/create` — creates a folder. Body: `{"name": "…"}`: trimmed (inner
//! whitespace collapsed), 1 to [`MAX_FOLDER_NAME_CHARS`](crate::organise::MAX_FOLDER_NAME_CHARS)
//! characters (400), unique per user ignoring case (409). Answers the folder.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::organise::Folder;
use leptos::prelude::*;

/// Creates a folder named `name`.
#[server(prefix = "/api", endpoint = "folders/create", input = ArgsJson)]
pub async fn create_folder(name: String) -> Result<Folder, ApiError> {
    use crate::organise::{normalize_folder_name, FOLDER_NOT_FOUND};
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let name = normalize_folder_name(&name).map_err(|e| ApiError::from(AppError::BadRequest(e)))?;
    state
        .store
        .create_folder(user, &name)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, FOLDER_NOT_FOUND)))
}
