//! The attachment routes' paths, a leaf both the route table and `api_response` (which answers
//! their refusals as JSON) read without importing the handlers.

/// The upload route (`POST`).
pub const UPLOAD_PATH: &str = "/api/attachments";

/// The path of one attachment (`GET` and `DELETE`), as registered in the route table.
pub const ITEM_PATH: &str = "/api/attachments/{id}";

/// Whether `path` is one of the attachment routes (`/api/attachments` or
/// `/api/attachments/{id}`), whose refusals are JSON.
pub fn is_attachment_path(path: &str) -> bool {
    path == UPLOAD_PATH
        || path
            .strip_prefix("/api/attachments/")
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}
