//! Files sent with a user message, as the page and API clients see them: [`AttachmentMeta`]
//! (what `POST /api/attachments` answers and what a stored message lists) and
//! [`AttachmentKind`] (how the server treats the bytes: an image for vision models, a PDF, or
//! a text/code file inlined as a fenced block). The bytes themselves are only ever served by
//! `GET /api/attachments/{id}` ([`attachment_url`]), to their owner.

use crate::ids::AttachmentId;
use serde::{Deserialize, Serialize};

/// What kind of file an attachment is, decided by the server from the bytes (never from the
/// name or the browser's type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A raster image (PNG, JPEG, GIF first frame, WebP), normalised: metadata stripped,
    /// downscaled, re-encoded. Sent to vision models as an image.
    Image,
    /// A PDF with a text layer: sent natively where the provider takes PDFs, else as its text.
    Pdf,
    /// UTF-8 text or source code: inlined in the prompt as a fenced block with the file name.
    Text,
}

impl AttachmentKind {
    /// The kind's name as stored and sent (`image`, `pdf`, `text`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Pdf => "pdf",
            Self::Text => "text",
        }
    }

    /// Reads a stored name back (`None`: not a kind this version knows).
    pub fn from_stored(name: &str) -> Option<Self> {
        match name {
            "image" => Some(Self::Image),
            "pdf" => Some(Self::Pdf),
            "text" => Some(Self::Text),
            _ => None,
        }
    }
}

/// One stored attachment, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    /// Its id; the URL of its bytes is [`attachment_url`].
    pub id: AttachmentId,
    /// The file name the user gave (shown on the chip, used for downloads and code fences).
    pub name: String,
    /// How the server treats it.
    pub kind: AttachmentKind,
    /// The stored bytes' type (after normalisation: e.g. `image/png`, `application/pdf`,
    /// `text/plain; charset=utf-8`), sent as `Content-Type` when served.
    pub content_type: String,
    /// Stored size in bytes (after normalisation).
    pub size_bytes: u64,
    /// Images: width in pixels after normalisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Images: height in pixels after normalisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// Where the page and API clients fetch an attachment's bytes (owner only; others get 404).
pub fn attachment_url(id: &AttachmentId) -> String {
    format!("/api/attachments/{id}")
}
