//! `DELETE /api/attachments/{id}` — removes one of the user's pending uploads (the composer
//! chip's ✕): 204. One already sent with a message stays (409 and a sentence: it goes with
//! its conversation); another user's, unknown and malformed ids are 404.

use super::file_route::NO_SUCH_FILE;
use super::refused;
use crate::ids::AttachmentId;
use crate::server::auth::request_identity::RequestIdentity;
use crate::server::error::AppError;
use crate::server::state::AppState;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Answers a deletion (see the module docs).
pub async fn delete_attachment(
    State(state): State<AppState>,
    Extension(identity): Extension<RequestIdentity>,
    Path(id): Path<AttachmentId>,
) -> Response {
    let deleted = async {
        let user = identity.require_user()?;
        state
            .store
            .delete_pending_attachment(user, &id)
            .await
            .map_err(|e| AppError::from_store(e, NO_SUCH_FILE))
    };
    match deleted.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => refused(error),
    }
}
