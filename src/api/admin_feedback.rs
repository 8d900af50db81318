//! `POST /api/admin/feedback` — admins only (403 otherwise): every user's ratings of answers
//! counted per model, most rated first: `[{"model", "count", "up"}]` (the page shows the share
//! of thumbs up). Body: `{}`.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::feedback::ModelFeedback;
use leptos::prelude::*;

/// The per-model summary of feedback.
#[server(prefix = "/api", endpoint = "admin/feedback", input = ArgsJson)]
pub async fn admin_feedback() -> Result<Vec<ModelFeedback>, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    state.require_admin()?;
    state.store.feedback_summary().await.map_err(ApiError::from)
}
