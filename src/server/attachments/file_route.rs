//! `GET /api/attachments/{id}` — an attachment's bytes, to its owner only: another user's,
//! unknown and malformed ids are all 404 (no user: 401, from the identity middleware, as for
//! every `/api/` route). Served with the stored `Content-Type`, `Content-Disposition` `inline`
//! for images (thumbnails open in the browser) and `attachment` for everything else (a PDF or
//! an HTML-looking text is saved, never rendered on this origin), `Cache-Control: private`
//! (never in a shared cache). `X-Content-Type-Options: nosniff` and the page's CSP come from
//! `security_headers`, like on every response.

use super::file_name::content_disposition;
use super::refused;
use crate::ids::AttachmentId;
use crate::server::auth::request_identity::RequestIdentity;
use crate::server::error::AppError;
use crate::server::state::AppState;
use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use sluice_wire::attachments::AttachmentKind;

/// The 404 sentence of the attachment routes.
pub const NO_SUCH_FILE: &str = "That file does not exist.";

/// Answers a download (see the module docs).
pub async fn attachment_file(
    State(state): State<AppState>,
    Extension(identity): Extension<RequestIdentity>,
    Path(id): Path<AttachmentId>,
) -> Response {
    match serve(&state, &identity, &id).await {
        Ok(response) => response,
        Err(error) => refused(error),
    }
}

/// The download's response.
async fn serve(
    state: &AppState,
    identity: &RequestIdentity,
    id: &AttachmentId,
) -> Result<Response, AppError> {
    let user = identity.require_user()?;
    let file = state
        .store
        .attachment(user, id)
        .await
        .map_err(|e| AppError::from_store(e, NO_SUCH_FILE))?;
    let content_type = HeaderValue::from_str(&file.meta.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let inline = file.meta.kind == AttachmentKind::Image;
    let disposition = HeaderValue::from_str(&content_disposition(&file.meta.name, inline))
        .map_err(|e| AppError::Internal(format!("attachment file name: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("private")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        file.bytes,
    )
        .into_response())
}
