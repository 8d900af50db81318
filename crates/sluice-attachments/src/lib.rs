//! Sluice's file intake, pure (CPU only, no I/O): [`prepare`] takes the bytes a user uploaded
//! and the name they gave, decides from the bytes alone what the file is (never from the name
//! or the browser's type), and returns what may be stored ([`Prepared`]) or one sentence saying
//! why not ([`Refusal`]). Images are decoded, stripped of every metadata block (EXIF, GPS,
//! XMP, ICC text), downscaled to [`Limits::max_image_side`] and re-encoded; PDFs must have a
//! text layer (it is kept for models that do not read PDFs); text and code must be UTF-8.
//! The server runs it on a blocking thread; it never panics on hostile input.

use sluice_wire::attachments::AttachmentKind;

/// What an upload may be. The server builds it from `[attachments]` in the configuration.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest accepted upload, in bytes (the server also refuses larger bodies while reading).
    pub max_file_bytes: usize,
    /// Longest side of a stored image, in pixels: larger images are downscaled to it (2048 is
    /// what OpenAI, Anthropic and Gemini accept without resizing themselves).
    pub max_image_side: u32,
    /// Most pixels (width × height) an image may declare before it is decoded: a tiny file
    /// claiming huge dimensions (a decompression bomb) is refused without allocating them.
    pub max_source_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_image_side: 2048,
            max_source_pixels: 50_000_000,
        }
    }
}

/// An upload that may be stored, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// How the server treats it.
    pub kind: AttachmentKind,
    /// The type of [`Prepared::bytes`] (`image/png`, `image/jpeg`, `application/pdf`,
    /// `text/plain; charset=utf-8`).
    pub content_type: String,
    /// What to store: the re-encoded image, the PDF as uploaded, the text as UTF-8.
    pub bytes: Vec<u8>,
    /// Images: width after normalisation.
    pub width: Option<u32>,
    /// Images: height after normalisation.
    pub height: Option<u32>,
    /// PDFs: the text layer (sent to models that do not take PDFs); text files: their text.
    pub text: Option<String>,
}

/// Why an upload is refused; `Display` is the sentence shown to the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Larger than [`Limits::max_file_bytes`].
    #[error("{name} is too large: files may be up to {limit_mib} MiB.")]
    TooLarge {
        /// The file's name.
        name: String,
        /// The limit, in MiB.
        limit_mib: usize,
    },
    /// Empty upload.
    #[error("{name} is empty.")]
    Empty {
        /// The file's name.
        name: String,
    },
    /// The bytes are not a type Sluice accepts (or do not match what the name claims).
    #[error("{name} is not a file Sluice can attach ({reason}). Attach images (PNG, JPEG, GIF, WebP), PDFs, or text and code files.")]
    Unsupported {
        /// The file's name.
        name: String,
        /// What the bytes turned out to be.
        reason: String,
    },
}

/// Decides what `bytes` (uploaded as `name`) are and normalises them for storage.
pub fn prepare(name: &str, bytes: &[u8], limits: &Limits) -> Result<Prepared, Refusal> {
    if bytes.len() > limits.max_file_bytes {
        return Err(Refusal::TooLarge {
            name: name.to_owned(),
            limit_mib: limits.max_file_bytes / (1024 * 1024),
        });
    }
    if bytes.is_empty() {
        return Err(Refusal::Empty {
            name: name.to_owned(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Ok(Prepared {
            kind: AttachmentKind::Text,
            content_type: "text/plain; charset=utf-8".to_owned(),
            bytes: bytes.to_vec(),
            width: None,
            height: None,
            text: Some(text.to_owned()),
        }),
        _ => Err(Refusal::Unsupported {
            name: name.to_owned(),
            reason: "not yet supported".to_owned(),
        }),
    }
}
