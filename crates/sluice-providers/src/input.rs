//! What the server hands a provider for one answer: the conversation as [`InputMessage`]s,
//! each with the files sent with it ([`InputFile`]). The files are already checked and
//! normalised (the `sluice-attachments` crate) and owned by the request's user; each adapter
//! puts them in its own API's shape (an image block, a PDF document, or text).

use sluice_wire::events::Role;
use std::sync::Arc;

/// One message of the conversation sent to the model.
#[derive(Clone, Debug, PartialEq)]
pub struct InputMessage {
    /// Author of the message; providers map it to their own role names.
    pub role: Role,
    /// Plain text (Markdown) of the message.
    pub content: String,
    /// Files sent with it (user messages only), in the order the user attached them.
    pub files: Vec<InputFile>,
}

impl InputMessage {
    /// A message without files.
    pub fn text(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            files: Vec::new(),
        }
    }
}

/// One attached file, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct InputFile {
    /// The name the user gave it (code fences and document titles show it).
    pub name: String,
    /// The stored bytes' type (`image/png`, `image/jpeg`, `application/pdf`, `text/plain…`).
    pub media_type: String,
    /// The stored bytes (shared: a long history sends the same image on every turn).
    pub data: Arc<[u8]>,
    /// How to send it.
    pub kind: InputFileKind,
}

/// How a file goes to a model.
#[derive(Clone, Debug, PartialEq)]
pub enum InputFileKind {
    /// An image, for models that see (the server refuses images for the others first).
    Image,
    /// A PDF: natively where the API takes documents, else as `text`, its text layer.
    Pdf {
        /// The text layer, for APIs without document input.
        text: String,
    },
    /// A text or code file: always inlined as a fenced block headed by its name.
    Text {
        /// Its text.
        text: String,
    },
}
