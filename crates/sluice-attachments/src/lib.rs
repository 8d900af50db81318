//! Sluice's file intake, pure (CPU only, no I/O): [`prepare`] takes the bytes a user uploaded
//! and the name they gave, decides from the bytes alone what the file is (never from the name
//! or the browser's type), and returns what may be stored ([`Prepared`]) or one sentence saying
//! why not ([`Refusal`]). Images are decoded, stripped of every metadata block (EXIF, GPS,
//! XMP, ICC text), downscaled to [`Limits::max_image_side`] and re-encoded; PDFs must have a
//! text layer (it is kept for models that do not read PDFs); text and code must be UTF-8.
//! SVG and HTML are refused (they can carry scripts), and so is a name whose extension claims
//! an image or a PDF that the bytes are not. The server runs it on a blocking thread; it never
//! panics on hostile input.
//!
//! The modules: `sniff` (what the bytes are), `claim` (what the name says), `markup` (SVG and
//! HTML in text), `image`, `pdf`, `text` (one per accepted kind), `refusal` (the sentences).

mod claim;
mod image;
mod markup;
mod pdf;
mod refusal;
mod sniff;
mod text;

pub use crate::image::fitted_size;
pub use claim::{claim_of, Claim};
pub use markup::Markup;
pub use refusal::Refusal;
pub use sniff::{sniff, ImageType, Sniffed};
pub use text::TEXT_CONTENT_TYPE;

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
    /// Most bytes of text kept: a text file longer than this is refused (it would be inlined
    /// whole in every prompt); a PDF's extracted text is cut to it (the PDF itself is kept).
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_image_side: 2048,
            max_source_pixels: 50_000_000,
            max_text_bytes: 1024 * 1024,
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
    /// PDFs: the text layer (sent to models that do not take PDFs), at most
    /// [`Limits::max_text_bytes`] plus a closing line saying it was cut; text files: their text.
    pub text: Option<String>,
    /// PDFs: the page count (shown on the chip, and for providers that price per page).
    pub pages: Option<u32>,
}

/// Decides what `bytes` (uploaded as `name`) are and normalises them for storage.
pub fn prepare(name: &str, bytes: &[u8], limits: &Limits) -> Result<Prepared, Refusal> {
    let owned = || name.to_owned();
    if bytes.len() > limits.max_file_bytes {
        return Err(Refusal::TooLarge {
            name: owned(),
            limit_mib: limits.max_file_bytes / (1024 * 1024),
        });
    }
    if bytes.is_empty() {
        return Err(Refusal::Empty { name: owned() });
    }
    let sniffed = sniff(bytes);
    match claim_of(name) {
        Some(Claim::Markup(markup)) => {
            return Err(Refusal::ActiveMarkup {
                name: owned(),
                what: markup.what().to_owned(),
            })
        }
        Some(claim @ Claim::Image(claimed)) if sniffed != Sniffed::Image(claimed) => {
            return Err(mismatch(name, claim, sniffed))
        }
        Some(claim @ Claim::Pdf) if sniffed != Sniffed::Pdf => {
            return Err(mismatch(name, claim, sniffed))
        }
        _ => {}
    }
    match sniffed {
        Sniffed::Image(kind) => image::prepare_image(name, bytes, kind, limits),
        Sniffed::Pdf => pdf::prepare_pdf(name, bytes, limits),
        Sniffed::Text(content) => text::prepare_text(name, content, limits),
        Sniffed::Markup(markup) => Err(Refusal::ActiveMarkup {
            name: owned(),
            what: markup.what().to_owned(),
        }),
        Sniffed::NotUtf8 => Err(Refusal::NotUtf8 { name: owned() }),
        Sniffed::Other(what) => Err(Refusal::Unsupported {
            name: owned(),
            reason: what.to_owned(),
        }),
    }
}

/// The refusal of a file whose name claims `claim` but whose bytes are `sniffed`.
fn mismatch(name: &str, claim: Claim, sniffed: Sniffed<'_>) -> Refusal {
    Refusal::Mismatch {
        name: name.to_owned(),
        claimed: claim.noun(),
        actual: sniffed.describe(),
    }
}
