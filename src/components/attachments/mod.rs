//! Files attached to a message before it is sent (issue 25): the per-message list of chips
//! (`draft`), each chip's state and the rules Send follows (`upload_state`), the upload and
//! delete requests (`upload_request`, `XMLHttpRequest` for progress) and how their answers read
//! (`upload_response`), files from paste and drop (`file_transfer`, which also keeps a stray
//! drop from navigating away), the views (`attach_button`, `chip`, `tray`, `vision_note`,
//! `icons`) and thumbnail sizing (`thumbnail_size`). Used by the composer and the message
//! editor; sent messages show theirs with `message::attachments`.

pub mod attach_button;
pub mod chip;
pub mod draft;
pub mod file_transfer;
pub mod icons;
pub mod thumbnail_size;
pub mod tray;
pub mod upload_request;
pub mod upload_response;
pub mod upload_state;
pub mod vision_note;

pub use attach_button::AttachButton;
pub use draft::AttachmentDraft;
pub use tray::AttachmentTray;
pub use vision_note::VisionNote;
