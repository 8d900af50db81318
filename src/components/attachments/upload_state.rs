//! Where one attached file stands ([`UploadState`]: uploading, ready, refused) and what that
//! allows the composer: [`may_send`] (nothing uploading; some text or a ready file) and which
//! files go with the message ([`ready_files`]: the ready ones, in the order shown). Pure, so
//! the rules are tested without a browser.

use sluice_wire::attachments::{AttachmentKind, AttachmentMeta};

/// One file's upload, as its chip shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadState {
    /// The bytes are on their way: the chip shows a progress bar.
    Uploading {
        /// Bytes sent so far.
        sent: u64,
        /// Bytes to send (the file's size).
        total: u64,
    },
    /// Stored by the server (pending until a message uses it): it goes with the message.
    Ready(AttachmentMeta),
    /// The server (or the network) refused it: the chip shows the sentence, the file is not
    /// sent.
    Refused(String),
}

impl UploadState {
    /// True while the bytes are on their way.
    pub fn is_uploading(&self) -> bool {
        matches!(self, Self::Uploading { .. })
    }

    /// The stored file, once ready.
    pub fn meta(&self) -> Option<&AttachmentMeta> {
        match self {
            Self::Ready(meta) => Some(meta),
            _ => None,
        }
    }

    /// The `data-state` of its chip (tests and styling).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Uploading { .. } => "uploading",
            Self::Ready(_) => "ready",
            Self::Refused(_) => "refused",
        }
    }
}

/// True when Send may go: no upload in flight, and some text or at least one ready file.
pub fn may_send(text: &str, files: &[UploadState]) -> bool {
    if files.iter().any(UploadState::is_uploading) {
        return false;
    }
    !text.trim().is_empty() || files.iter().any(|f| f.meta().is_some())
}

/// The files a message takes: the ready ones, in the order shown (refused ones stay behind).
pub fn ready_files(files: &[UploadState]) -> Vec<AttachmentMeta> {
    files.iter().filter_map(|f| f.meta().cloned()).collect()
}

/// True when any ready file is an image (the model must see images).
pub fn has_images(files: &[UploadState]) -> bool {
    files
        .iter()
        .any(|f| f.meta().is_some_and(|m| m.kind == AttachmentKind::Image))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AttachmentId;

    fn ready(name: &str, kind: AttachmentKind) -> UploadState {
        UploadState::Ready(AttachmentMeta {
            id: AttachmentId::new(format!("id-{name}")),
            name: name.to_string(),
            kind,
            content_type: "text/plain".to_string(),
            size_bytes: 3,
            width: None,
            height: None,
        })
    }

    #[test]
    fn an_upload_in_flight_holds_send_back() {
        let uploading = UploadState::Uploading { sent: 1, total: 9 };
        assert!(!may_send(
            "hello",
            &[ready("a.rs", AttachmentKind::Text), uploading]
        ));
        assert!(may_send("hello", &[ready("a.rs", AttachmentKind::Text)]));
    }

    #[test]
    fn files_alone_may_be_sent_but_not_nothing() {
        assert!(may_send("  ", &[ready("a.pdf", AttachmentKind::Pdf)]));
        assert!(!may_send("  ", &[]));
        assert!(!may_send("", &[UploadState::Refused("No.".to_string())]));
        assert!(may_send("text", &[UploadState::Refused("No.".to_string())]));
    }

    #[test]
    fn only_ready_files_go_in_their_order() {
        let files = [
            ready("one.png", AttachmentKind::Image),
            UploadState::Refused("SVG files are not accepted.".to_string()),
            ready("two.rs", AttachmentKind::Text),
        ];
        let names: Vec<String> = ready_files(&files).into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["one.png", "two.rs"]);
        assert!(has_images(&files));
        assert!(!has_images(&files[1..]));
    }
}
