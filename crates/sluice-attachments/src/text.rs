//! Text and code files: stored as UTF-8 (`text/plain; charset=utf-8`), the byte-order mark
//! already stripped by the sniffer, with the whole content as [`Prepared::text`] (it is inlined
//! in prompts as a fenced block). Capped at [`Limits::max_text_bytes`].

use crate::refusal::{readable_size, Refusal};
use crate::{Limits, Prepared};
use sluice_wire::attachments::AttachmentKind;

/// The stored type of every text file.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// Accepts `text` (UTF-8 without NUL, no BOM) uploaded as `name`.
pub fn prepare_text(name: &str, text: &str, limits: &Limits) -> Result<Prepared, Refusal> {
    if text.len() > limits.max_text_bytes {
        return Err(Refusal::TextTooLong {
            name: name.to_owned(),
            limit: readable_size(limits.max_text_bytes),
        });
    }
    Ok(Prepared {
        kind: AttachmentKind::Text,
        content_type: TEXT_CONTENT_TYPE.to_owned(),
        bytes: text.as_bytes().to_vec(),
        width: None,
        height: None,
        text: Some(text.to_owned()),
        pages: None,
    })
}
