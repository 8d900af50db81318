//! `POST /api/models` — the models on offer and the default one, for the picker.

use crate::api_error::ApiError;
use crate::events::ModelInfo;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The picker's content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelList {
    /// Every model, grouped by provider in order.
    pub models: Vec<ModelInfo>,
    /// The model preselected in the picker.
    pub default_model: Option<String>,
}

/// Lists the configured models (never any key or URL).
#[server(prefix = "/api", endpoint = "models")]
pub async fn list_models() -> Result<ModelList, ApiError> {
    use crate::server::state::AppState;
    let state = AppState::from_context()?;
    state.require_user()?;
    Ok(ModelList {
        models: state.catalog.models(),
        default_model: state.catalog.default_model(),
    })
}
