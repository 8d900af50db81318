//! [`Refusal`]: why an upload is not stored. Each variant's `Display` is the one sentence the
//! user sees (it names the file and, where there is one, says what to do instead); the server
//! sends it as the ApiError message, with 413 for size limits ([`Refusal::is_size_limit`]) and
//! 400 for everything else.

/// Why an upload is refused; `Display` is the sentence shown to the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Larger than [`crate::Limits::max_file_bytes`] (checked before anything is decoded).
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
    /// The bytes are not a type Sluice accepts (an archive, a program, binary data …).
    #[error("{name} cannot be attached: its bytes are {reason}, and Sluice takes only images (PNG, JPEG, GIF, WebP), PDFs, and text or code files.")]
    Unsupported {
        /// The file's name.
        name: String,
        /// What the bytes turned out to be (e.g. "a ZIP archive").
        reason: String,
    },
    /// The name claims an image or a PDF (by its extension) but the bytes are something else:
    /// a renamed file is never trusted.
    #[error("{name} is not {claimed}: its bytes are {actual}.")]
    Mismatch {
        /// The file's name.
        name: String,
        /// What the extension claims (e.g. "a PNG image").
        claimed: String,
        /// What the bytes are (e.g. "HTML text").
        actual: String,
    },
    /// SVG or HTML (by name or by content): both can carry scripts, so neither is stored, not
    /// even as text.
    #[error("{name} is {what}, which can carry scripts: Sluice does not accept SVG or HTML files (attach a PNG or JPEG image, or the text as a .txt file).")]
    ActiveMarkup {
        /// The file's name.
        name: String,
        /// What it is ("an SVG image", "an HTML page").
        what: String,
    },
    /// An image declaring more pixels than [`crate::Limits::max_source_pixels`] (a
    /// decompression bomb, or simply too big): refused from its header, before decoding.
    #[error("{name} is too large an image: {width}×{height} pixels is over the limit of {limit_megapixels} megapixels.")]
    TooManyPixels {
        /// The file's name.
        name: String,
        /// Width its header declares.
        width: u32,
        /// Height its header declares.
        height: u32,
        /// The limit, in megapixels (rounded down).
        limit_megapixels: u64,
    },
    /// An image whose bytes start like the format but do not decode (truncated or damaged).
    #[error("{name} could not be read as a {format} image: the file is truncated or damaged.")]
    DamagedImage {
        /// The file's name.
        name: String,
        /// The format its bytes start as ("PNG", "JPEG", "GIF", "WebP").
        format: String,
    },
    /// A PDF that does not parse.
    #[error("{name} could not be read as a PDF: the file is truncated or damaged.")]
    DamagedPdf {
        /// The file's name.
        name: String,
    },
    /// A PDF that needs a password to open.
    #[error("{name} is password-protected: remove the password and attach it again.")]
    EncryptedPdf {
        /// The file's name.
        name: String,
    },
    /// A PDF without a text layer (scanned pages only): models that do not read PDFs would
    /// get nothing, so it is refused.
    #[error("{name} has no text layer (it looks like scanned pages only): run it through text recognition (OCR) first, or attach the pages as images.")]
    PdfWithoutText {
        /// The file's name.
        name: String,
    },
    /// Text that is not UTF-8 (Latin-1, Windows-1252 … without NUL bytes).
    #[error("{name} is not UTF-8 text: save it as UTF-8 and attach it again.")]
    NotUtf8 {
        /// The file's name.
        name: String,
    },
    /// A text file longer than [`crate::Limits::max_text_bytes`] (it is inlined in prompts).
    #[error("{name} is too long: text files may hold up to {limit} of text.")]
    TextTooLong {
        /// The file's name.
        name: String,
        /// The limit, readable ("1 MiB", "512 KiB").
        limit: String,
    },
}

impl Refusal {
    /// Whether this is a size limit (answered 413 Payload Too Large) rather than a file Sluice
    /// does not take (400).
    pub fn is_size_limit(&self) -> bool {
        matches!(
            self,
            Self::TooLarge { .. } | Self::TooManyPixels { .. } | Self::TextTooLong { .. }
        )
    }
}

/// A byte count as people read it: whole MiB or KiB when exact, else bytes.
pub(crate) fn readable_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}
