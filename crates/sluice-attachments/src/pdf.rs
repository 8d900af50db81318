//! PDFs: parsed with `lopdf` (pure Rust) under a decompression limit, their text layer read page
//! by page, and refused when they have none (scanned pages only), need a password, or do not
//! parse. The PDF is stored as uploaded (providers that read PDFs get the original); the text
//! goes to [`Prepared::text`] for the others, capped at [`Limits::max_text_bytes`]: extraction
//! stops once the cap is reached and the kept text ends with a line saying it was cut.

use crate::refusal::{readable_size, Refusal};
use crate::{Limits, Prepared};
use lopdf::{Document, LoadOptions};
use sluice_wire::attachments::AttachmentKind;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Most bytes one stream (an object stream, a page's content) may inflate to: a tiny file
/// cannot expand into gigabytes while it is read.
const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// What reading a PDF gave.
struct PdfText {
    /// The text layer, pages separated by a blank line, capped.
    text: String,
    /// Pages in the document.
    pages: u32,
}

/// Why a PDF is refused.
enum PdfFailure {
    /// It needs a password.
    Encrypted,
    /// It does not parse.
    Damaged,
}

/// Reads the PDF `bytes` uploaded as `name`.
pub fn prepare_pdf(name: &str, bytes: &[u8], limits: &Limits) -> Result<Prepared, Refusal> {
    // lopdf reports malformed input as errors; catching a panic is only the last guard, so a
    // parser bug on hostile input costs the upload, never the server thread.
    let read = catch_unwind(AssertUnwindSafe(|| read_text(bytes, limits.max_text_bytes)))
        .unwrap_or(Err(PdfFailure::Damaged));
    let name = name.to_owned();
    let read = match read {
        Ok(read) => read,
        Err(PdfFailure::Encrypted) => return Err(Refusal::EncryptedPdf { name }),
        Err(PdfFailure::Damaged) => return Err(Refusal::DamagedPdf { name }),
    };
    if read.text.trim().is_empty() {
        return Err(Refusal::PdfWithoutText { name });
    }
    Ok(Prepared {
        kind: AttachmentKind::Pdf,
        content_type: "application/pdf".to_owned(),
        bytes: bytes.to_vec(),
        width: None,
        height: None,
        text: Some(read.text),
        pages: Some(read.pages),
    })
}

/// Parses `bytes` and extracts at most `max_text` bytes of text (plus the cut notice).
fn read_text(bytes: &[u8], max_text: usize) -> Result<PdfText, PdfFailure> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let document =
        Document::load_mem_with_options(bytes, options).map_err(|error| match error {
            lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => PdfFailure::Encrypted,
            _ => PdfFailure::Damaged,
        })?;
    // Opened without a password: an encrypted file whose empty user password did not work
    // keeps its Encrypt entry and no decryption state.
    if document.trailer.has(b"Encrypt") && document.encryption_state.is_none() {
        return Err(PdfFailure::Encrypted);
    }
    let page_numbers: Vec<u32> = document.get_pages().into_keys().collect();
    if page_numbers.is_empty() {
        return Err(PdfFailure::Damaged);
    }
    let mut text = String::new();
    for number in &page_numbers {
        // A page whose fonts or content cannot be read adds nothing; the others still count.
        let Ok(page) = document.extract_text_with_limit(&[*number], MAX_STREAM_BYTES) else {
            continue;
        };
        let page = page.trim();
        if page.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(page);
        if text.len() > max_text {
            cut(&mut text, max_text, *number, page_numbers.len());
            break;
        }
    }
    Ok(PdfText {
        text,
        pages: u32::try_from(page_numbers.len()).unwrap_or(u32::MAX),
    })
}

/// Cuts `text` to at most `max_text` bytes (at a character boundary) and says so at its end.
fn cut(text: &mut String, max_text: usize, page: u32, pages: usize) {
    let mut end = max_text;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(&format!(
        "\n\n[Sluice kept only the first {} of this PDF's text, up to page {page} of {pages}.]",
        readable_size(max_text)
    ));
}
