//! `GET /api/conversations/{id}/export?format=markdown|json` — downloads one conversation: the
//! latest branch as Markdown, or every branch as the versioned JSON export (which
//! `POST /api/conversations/import` reads back). A plain axum handler rather than a server
//! function because the answer is a file (its own content type and `Content-Disposition`),
//! not a value. Unknown, malformed and other users' ids are 404; a format other than the two
//! is 400; without `format` the JSON export (the lossless one) is sent. Without a signed-in
//! user: 401.

use crate::ids::ConversationId;
use crate::server::auth::request_identity::RequestIdentity;
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::store::now_millis;
use crate::transfer::{export_filename, to_markdown, ExportDocument, FileContent};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The route's path, as registered in the route table.
pub const PATH: &str = "/api/conversations/{id}/export";

/// Whether `path` is an export download (`/api/conversations/{id}/export`), the one `/api/`
/// route that is not a server function.
pub fn is_export_path(path: &str) -> bool {
    path.strip_prefix("/api/conversations/")
        .and_then(|rest| rest.strip_suffix("/export"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// The query string of an export.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// `markdown` or `json` (absent: `json`); anything else is refused with 400.
    format: Option<String>,
}

/// The two download formats.
#[derive(Clone, Copy, Debug)]
enum Format {
    /// The latest branch, readable.
    Markdown,
    /// Every branch, re-importable.
    Json,
}

impl Format {
    /// The format named in the query.
    fn parse(name: Option<&str>) -> Result<Format, AppError> {
        match name.map(str::trim) {
            None | Some("json") => Ok(Format::Json),
            Some("markdown" | "md") => Ok(Format::Markdown),
            Some(_) => Err(AppError::BadRequest(
                "Unknown export format: use format=markdown or format=json.".to_string(),
            )),
        }
    }
}

/// Answers the export of conversation `id` as a file download.
pub async fn export_conversation(
    State(state): State<AppState>,
    Extension(identity): Extension<RequestIdentity>,
    Path(id): Path<ConversationId>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let user = identity.require_user()?;
    let format = Format::parse(query.format.as_deref())?;
    let tree = state.store.get_conversation(user, &id).await?;
    let (body, content_type, extension) = match format {
        Format::Markdown => (to_markdown(&tree), "text/markdown; charset=utf-8", "md"),
        Format::Json => {
            let ids: Vec<_> = tree
                .messages
                .iter()
                .flat_map(|m| m.attachments.iter().map(|a| a.id.clone()))
                .collect();
            let stored = state
                .store
                .attachment_contents(user, &crate::server::turn::files::distinct(&ids))
                .await?;
            let files = stored
                .iter()
                .map(|f| {
                    let content = FileContent {
                        bytes: &f.bytes,
                        text: f.text.as_deref(),
                    };
                    (f.meta.id.to_string(), content)
                })
                .collect();
            let mut document = ExportDocument::with_files(&tree, now_millis(), &files);
            let placement = state.store.conversation_placement(user, &id).await?;
            document.conversation.pinned = placement.pinned;
            document.conversation.archived_at = placement.archived_at;
            document.conversation.folder = placement.folder;
            let json = serde_json::to_string_pretty(&document)
                .map_err(|e| AppError::Internal(format!("export serialization: {e}")))?;
            (json, "application/json", "json")
        }
    };
    let disposition = format!(
        "attachment; filename=\"{}\"",
        export_filename(&tree.conversation.title, extension)
    );
    let disposition = HeaderValue::from_str(&disposition)
        .map_err(|e| AppError::Internal(format!("export file name: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}
