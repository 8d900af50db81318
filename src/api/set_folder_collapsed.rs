//! `POST /api/folders/collapse` — folds or unfolds a folder in the sidebar, remembered across
//! reloads and devices. Body: `{"id": "…", "collapsed": true | false}`.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::ids::FolderId;
use leptos::prelude::*;

/// Folds (`collapsed`) or unfolds the folder `id`.
#[server(prefix = "/api", endpoint = "folders/collapse", input = ArgsJson)]
pub async fn set_folder_collapsed(id: FolderId, collapsed: bool) -> Result<(), ApiError> {
    use crate::organise::FOLDER_NOT_FOUND;
    use crate::server::{error::AppError, state::AppState};
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    state
        .store
        .set_folder_collapsed(user, &id, collapsed)
        .await
        .map_err(|e| ApiError::from(AppError::from_store(e, FOLDER_NOT_FOUND)))
}
