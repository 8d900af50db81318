//! Reads the answer to `POST /api/attachments` into the chip's [`UploadState`]: a 200 with the
//! stored file's `AttachmentMeta` makes it ready; a refusal shows the server's own sentence
//! (`{"kind","message"}`); anything else (no connection, a proxy's page) gets a sentence of
//! ours naming what happened. Pure: tested without a browser.

use super::upload_state::UploadState;
use crate::api_error::ApiError;
use sluice_wire::attachments::AttachmentMeta;

/// What the chip shows when the request never got an answer (status 0).
pub const UNREACHABLE: &str =
    "The upload did not reach the server. Check the connection and try again.";

/// The chip's state for an answer with HTTP `status` and `body`.
pub fn upload_outcome(status: u16, body: &str) -> UploadState {
    if status == 0 {
        return UploadState::Refused(UNREACHABLE.to_string());
    }
    if (200..300).contains(&status) {
        return match serde_json::from_str::<AttachmentMeta>(body) {
            Ok(meta) => UploadState::Ready(meta),
            Err(_) => UploadState::Refused(
                "The server's answer to the upload could not be read.".to_string(),
            ),
        };
    }
    match serde_json::from_str::<ApiError>(body) {
        Ok(error) if !error.message.trim().is_empty() => UploadState::Refused(error.message),
        _ => UploadState::Refused(format!("The upload failed (HTTP {status}).")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_file_is_ready() {
        let body = r#"{"id":"7d3c","name":"shot.png","kind":"image","content_type":"image/png","size_bytes":1234,"width":640,"height":480}"#;
        let UploadState::Ready(meta) = upload_outcome(200, body) else {
            panic!("not ready: {body}");
        };
        assert_eq!(meta.name, "shot.png");
        assert_eq!((meta.width, meta.height), (Some(640), Some(480)));
    }

    #[test]
    fn a_refusal_shows_the_servers_sentence() {
        let body = r#"{"kind":"bad_request","message":"SVG images are not accepted: send a PNG or JPEG."}"#;
        assert_eq!(
            upload_outcome(400, body),
            UploadState::Refused("SVG images are not accepted: send a PNG or JPEG.".to_string())
        );
    }

    #[test]
    fn other_failures_get_a_sentence_naming_them() {
        assert_eq!(
            upload_outcome(404, "<html>Not found</html>"),
            UploadState::Refused("The upload failed (HTTP 404).".to_string())
        );
        assert_eq!(
            upload_outcome(0, ""),
            UploadState::Refused(UNREACHABLE.to_string())
        );
        assert!(matches!(upload_outcome(200, "{}"), UploadState::Refused(_)));
    }
}
