//! `POST /api/attachments?name=<percent-encoded name>` — stores one uploaded file as a pending
//! upload of the user and answers its `AttachmentMeta`. The body is the file's raw bytes (its
//! `Content-Type` is only the browser's guess and is ignored: the intake decides from the
//! bytes). In order: a user (401, from the identity middleware), a usable name (400), the
//! body read up to `[attachments] max_file_bytes` and no further (413: `body_limits` refuses a
//! larger declared length before reading and cuts a longer body), the intake
//! (`sluice_attachments::prepare` on a blocking thread, one per core at a time: 400 or 413 with its sentence), the
//! storage quota counting every attachment (413), then the row. A refusal stores nothing.

use super::file_name::clean_upload_name;
use super::refused;
use crate::server::auth::request_identity::RequestIdentity;
use crate::server::error::AppError;
use crate::server::limits::storage_quota;
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{Extension, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::LengthLimitError;
use sluice_attachments::Refusal;

/// The route's path, as registered in the route table.
pub const PATH: &str = super::paths::UPLOAD_PATH;

/// The sentence of an upload over `limit` bytes (here and in `body_limits`).
pub fn too_large_message(limit: usize) -> String {
    format!(
        "The file is too large (the limit is {}).",
        crate::byte_size::limit(limit as u64)
    )
}

/// Answers an upload (see the module docs).
pub async fn upload_attachment(
    State(state): State<AppState>,
    Extension(identity): Extension<RequestIdentity>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    match store_upload(&state, &identity, query.as_deref(), body).await {
        Ok(meta) => Json(meta).into_response(),
        Err(error) => refused(error),
    }
}

/// The upload's steps; any `Err` has stored nothing.
async fn store_upload(
    state: &AppState,
    identity: &RequestIdentity,
    query: Option<&str>,
    body: Body,
) -> Result<sluice_wire::attachments::AttachmentMeta, AppError> {
    let user = identity.require_user()?;
    let raw_name = query
        .and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "name")
                .map(|(_, value)| value.into_owned())
        })
        .unwrap_or_default();
    let name = clean_upload_name(&raw_name)?;
    let settings = &state.config.attachments;
    let bytes = read_body(body, settings.max_file_bytes).await?;
    let limits = settings.intake_limits();
    let prepared = {
        let name = name.clone();
        // One decode per core at a time (`AppState::intake_slots`); the others wait here.
        let _slot = state
            .intake_slots
            .acquire()
            .await
            .map_err(|e| AppError::Internal(format!("attachment intake slots: {e}")))?;
        tokio::task::spawn_blocking(move || sluice_attachments::prepare(&name, &bytes, &limits))
            .await
            .map_err(|e| AppError::Internal(format!("attachment intake: {e}")))?
    }
    .map_err(refusal_error)?;
    storage_quota::check(
        &state.store,
        user,
        state.config.storage.max_user_storage_bytes,
        prepared.bytes.len() as u64,
    )
    .await?;
    let meta = state
        .store
        .insert_attachment(user, &name, &prepared)
        .await?;
    tracing::info!(
        user = user.0,
        id = %meta.id,
        kind = meta.kind.as_str(),
        bytes = meta.size_bytes,
        "stored an upload"
    );
    Ok(meta)
}

/// A refusal of the intake as its HTTP error: 413 for the size limits (bytes, pixels, text
/// length), 400 for the rest.
fn refusal_error(refusal: Refusal) -> AppError {
    if refusal.is_size_limit() {
        AppError::PayloadTooLarge(refusal.to_string())
    } else {
        AppError::BadRequest(refusal.to_string())
    }
}

/// The whole body, never more than `limit` bytes of it (a longer one is 413).
async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, AppError> {
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(error) if is_length_limit(&error) => {
            Err(AppError::PayloadTooLarge(too_large_message(limit)))
        }
        Err(error) => {
            tracing::info!("an upload's body did not arrive whole: {error}");
            Err(AppError::BadRequest(
                "The file did not arrive whole; try again.".to_string(),
            ))
        }
    }
}

/// Whether `error` (or an error it wraps) is a body cut at its length limit.
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current.is::<LengthLimitError>() {
            return true;
        }
        source = current.source();
    }
    false
}
