//! `POST /api/conversations/list` — the sidebar: the user's conversations that are not
//! archived, pinned ones first, then most recently active first; `{"archived": true}` lists
//! the archived ones instead (most recently archived first). Body: `{"search": "text"}`
//! (optional) keeps those — archived ones too, marked by `archived_at` — whose title or any
//! message contains the text (substring, case-insensitive, every character literal; see
//! `store/search.rs`). A search longer than 200 characters
//! (after trimming) is refused with a 400 before it reaches the database.

use crate::api_args::ArgsJson;
use crate::api_error::ApiError;
use crate::conversation::ConversationSummary;
use leptos::prelude::*;

/// Lists the user's conversations, optionally filtered by `search`.
#[server(prefix = "/api", endpoint = "conversations/list", input = ArgsJson)]
pub async fn list_conversations(
    #[server(default)] search: Option<String>,
    #[server(default)] archived: bool,
) -> Result<Vec<ConversationSummary>, ApiError> {
    use crate::server::{error::AppError, state::AppState};
    use crate::store::MAX_SEARCH_CHARS;
    let state = AppState::from_context()?;
    let user = state.require_user()?;
    let search = search.as_deref().map(str::trim);
    if search.is_some_and(|s| s.chars().nth(MAX_SEARCH_CHARS).is_some()) {
        return Err(AppError::BadRequest(format!(
            "The search is too long: at most {MAX_SEARCH_CHARS} characters."
        ))
        .into());
    }
    let listed = if archived && search.is_none_or(str::is_empty) {
        state.store.list_archived_conversations(user).await
    } else {
        state.store.list_conversations(user, search).await
    };
    listed.map_err(ApiError::from)
}
