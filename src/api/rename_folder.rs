//! `POST /api/folders/rename` — renames a folder. Body: `{"id": "…", "name": "…"}`; the name
//! follows `folders/create`'s rules (400, 409); an unknown id is a 404.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::FolderId;
use leptos::prelude::*;

/// Renames the folder `id` to `name`.
#[server(prefix = "/api", endpoint = "folders/rename", input = ArgsJson)]
pub async fn rename_folder(id: FolderId, name: String) -> Result<(), ApiError> {
    use crate::organise::{normalize_folder_name, FOLDER_NOT_FOUND};
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let name = normalize_folder_name(&name).map_err(|e| ApiError::from(AppError::BadRequest(e)))?;
    state
        .store
        .rename_folder(user, &id, &name)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, FOLDER_NOT_FOUND)))
}
