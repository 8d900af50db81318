//! How large a request body may be, per route, so that only the routes that carry a lot can
//! be sent a lot: an upload (`POST /api/attachments`) gets exactly `[attachments]
//! max_file_bytes`, an import gets room for a whole exported file, the calls that carry a
//! conversation or a system prompt room for `max_request_bytes`, and everything else —
//! sign-in and sign-up (open to anyone), admin calls, the other calls (shared links, and
//! ratings, whose comment is at most 2,000 characters), pages, files — a small
//! [`SMALL_BODY_BYTES`]. [`limit_body`] refuses a body whose declared length is over its
//! route's limit before it is read, cuts one that grows past it while it is read, and words
//! either refusal: **413** with "The request is too large (the limit is N KiB)." (for an
//! import or an upload "The file is too large …"), encoded like every server-function error. A cut body
//! is known by the limit's own error (a flag set while the body is read), never by reading
//! the handler's answer.

use crate::api::import_conversation::ImportConversation;
use crate::api::save_preset::SavePreset;
use crate::api::stream_chat::StreamChat;
use crate::api::update_conversation_settings::UpdateConversationSettings;
use crate::server::attachments::upload_route;
use crate::server::config::ServerConfig;
use crate::server::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::{BodyExt as _, LengthLimitError};
use server_fn::ServerFn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The limit of every route that carries no content: sign-in and sign-up, admin calls,
/// listing, deleting, renaming, stopping, pages and files. A password is at most 1 KiB and
/// a title 200 characters, so this leaves ample room for their JSON.
pub const SMALL_BODY_BYTES: usize = 64 * 1024;

/// Room for JSON around the text limits.
const BODY_OVERHEAD: usize = 64 * 1024;

/// The body limits, by kind of route.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    /// Calls that carry a conversation or a system prompt (`/api/chat/stream`,
    /// `/api/conversations/settings`, `/api/presets/save`): twice the larger of
    /// `max_request_bytes` and `max_message_bytes` (JSON escaping at most doubles ordinary
    /// text), plus [`BODY_OVERHEAD`], so the handler's own sentence about the text's size is
    /// what a user near the limit sees.
    content: usize,
    /// `/api/conversations/import`: twice `max_import_bytes` (the file travels as a JSON
    /// string) plus [`BODY_OVERHEAD`]; up to that the import endpoint answers with its own 413
    /// naming the file's size.
    import: usize,
    /// The imported file limit, named in the import's refusal.
    max_import_bytes: usize,
    /// `POST /api/attachments`: `[attachments] max_file_bytes`, the body being the file's
    /// raw bytes (nothing around them), so a larger file is refused while it is read.
    upload: usize,
}

impl BodyLimits {
    /// The limits for `server`'s settings, uploads taking up to `max_upload_bytes`.
    pub fn new(server: &ServerConfig, max_upload_bytes: usize) -> Self {
        let text = server.max_request_bytes.max(server.max_message_bytes);
        Self {
            content: text.saturating_mul(2).saturating_add(BODY_OVERHEAD),
            import: server
                .max_import_bytes
                .saturating_mul(2)
                .saturating_add(BODY_OVERHEAD),
            max_import_bytes: server.max_import_bytes,
            upload: max_upload_bytes,
        }
    }

    /// The largest body of any route (for axum's own default limit, which must not cut
    /// below it).
    pub fn largest(&self) -> usize {
        self.content
            .max(self.import)
            .max(self.upload)
            .max(SMALL_BODY_BYTES)
    }

    /// The body limit of a request to `path`.
    pub fn for_path(&self, path: &str) -> usize {
        if path == <ImportConversation as ServerFn>::PATH {
            self.import
        } else if path == upload_route::PATH {
            self.upload
        } else if [
            <StreamChat as ServerFn>::PATH,
            <UpdateConversationSettings as ServerFn>::PATH,
            <SavePreset as ServerFn>::PATH,
        ]
        .contains(&path)
        {
            self.content
        } else {
            SMALL_BODY_BYTES
        }
    }
}

/// The middleware: applies the route's limit (see the module docs). A body that grows past
/// it is cut and the request answered with the worded 413, whatever the handler made of the
/// cut body; a handler's own 413 (a sentence about the text's size) is kept.
pub async fn limit_body(
    State(limits): State<BodyLimits>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let limit = limits.for_path(&path);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large(&limits, &path, limit);
    }
    let cut = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        let cut = Arc::clone(&cut);
        Body::new(
            http_body_util::Limited::new(body, limit).map_err(move |error| {
                if error.is::<LengthLimitError>() {
                    cut.store(true, Ordering::Relaxed);
                }
                error
            }),
        )
    });
    let response = next.run(request).await;
    if !cut.load(Ordering::Relaxed) {
        return response;
    }
    let mut worded = too_large(&limits, &path, limit);
    // Keep whatever was decided about the connection.
    if let Some(connection) = response.headers().get(header::CONNECTION) {
        worded
            .headers_mut()
            .insert(header::CONNECTION, connection.clone());
    }
    worded
}

/// The 413 for a body over `limit` sent to `path`.
fn too_large(limits: &BodyLimits, path: &str, limit: usize) -> Response {
    let message = if path == <ImportConversation as ServerFn>::PATH {
        format!(
            "The file is too large (the limit is {}).",
            crate::byte_size::limit(limits.max_import_bytes as u64)
        )
    } else if path == upload_route::PATH {
        upload_route::too_large_message(limits.upload)
    } else {
        format!(
            "The request is too large (the limit is {}).",
            crate::byte_size::limit(limit as u64)
        )
    };
    AppError::PayloadTooLarge(message).into_api_response(path)
}
