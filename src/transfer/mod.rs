//! Moving a conversation in and out of Sluice: the versioned JSON export format
//! ([`ExportDocument`]), a readable Markdown rendering of the shown branch ([`to_markdown`]),
//! the download file name ([`export_filename`]) and the pure validator of an imported file
//! ([`parse_import`]), whose errors are sentences a user can act on. Server only (the browser
//! only uploads and downloads the files); no database here: the store inserts a
//! [`ValidImport`], the server serves the exports.

mod document;
mod filename;
mod import;
mod import_error;
mod import_scan;
mod markdown;

pub use document::{
    ExportAttachment, ExportConversation, ExportDocument, ExportFeedback, ExportMessage,
    FileContent, FORMAT, VERSION,
};
pub use filename::export_filename;
pub use import::{
    parse_import, ImportLimits, ImportedFile, ImportedMessage, ValidImport, DEFAULT_IMPORTED_TITLE,
    MAX_IMPORT_MESSAGES, MAX_IMPORT_MESSAGE_BYTES,
};
pub use import_error::ImportError;
pub use markdown::to_markdown;
