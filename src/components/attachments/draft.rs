//! The files attached to a message being written ([`AttachmentDraft`]): one per chip, each
//! uploading at once when added (by the picker, a paste or a drop) and tracked through its
//! [`UploadState`]. The composer and the message editor each hold one; Send takes the ready
//! files ([`AttachmentDraft::ready`]) and empties it.

use super::upload_request::{delete_upload, start_upload};
use super::upload_state::{self, UploadState};
use leptos::prelude::*;
use sluice_wire::attachments::AttachmentMeta;
use web_sys::{File, XmlHttpRequest};

/// One chip.
#[derive(Clone)]
pub struct AttachedFile {
    /// Stable local key (the chip list's key, and what Remove names).
    pub key: u64,
    /// The file's name as the user gave it.
    pub name: String,
    /// Its size in bytes (before the server's normalising), shown on the chip.
    pub size: u64,
    /// The browser thinks it is an image: the chip shows an image icon until the thumbnail
    /// can be fetched from the server (no `blob:` URLs: the CSP allows `'self' data:` only).
    pub looks_like_image: bool,
    /// Where its upload stands.
    pub state: RwSignal<UploadState>,
    /// It came with the message being edited (already sent): removing it only leaves it out
    /// of the new version; the stored file stays with the old one.
    pub sent_before: bool,
    /// The upload in flight, to abort when the chip is removed.
    request: StoredValue<Option<XmlHttpRequest>, LocalStorage>,
}

/// The chips of one message being written (handles only, so `Copy`).
#[derive(Clone, Copy)]
pub struct AttachmentDraft {
    /// The chips, in the order shown (and sent).
    pub files: RwSignal<Vec<AttachedFile>>,
    /// Next local key.
    next_key: StoredValue<u64>,
    /// The owner of each chip's signals: the draft's own, so a chip added from an event
    /// handler lives as long as the draft.
    owner: StoredValue<Owner>,
}

impl Default for AttachmentDraft {
    fn default() -> Self {
        Self::new()
    }
}

impl AttachmentDraft {
    /// No files.
    pub fn new() -> Self {
        Self {
            files: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// A new chip (its signals under the draft's owner).
    fn chip(
        &self,
        name: String,
        size: u64,
        image: bool,
        state: UploadState,
        sent: bool,
    ) -> AttachedFile {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        self.owner.with_value(|owner| {
            owner.with(|| AttachedFile {
                key,
                name,
                size,
                looks_like_image: image,
                state: RwSignal::new(state),
                sent_before: sent,
                request: StoredValue::new_local(None),
            })
        })
    }

    /// Adds `files` as chips and starts uploading each.
    pub fn add_files(&self, files: Vec<File>) {
        for file in files {
            let size = file.size() as u64;
            let image = file.type_().starts_with("image/");
            let uploading = UploadState::Uploading {
                sent: 0,
                total: size,
            };
            let chip = self.chip(file.name(), size, image, uploading, false);
            let state = chip.state;
            let started = start_upload(
                &file,
                move |sent, total| {
                    state.try_set(UploadState::Uploading { sent, total });
                },
                move |outcome| {
                    state.try_set(outcome);
                },
            );
            match started {
                Ok(request) => chip.request.set_value(Some(request)),
                Err(_) => state.set(UploadState::Refused(
                    "The browser could not start this upload.".to_string(),
                )),
            }
            self.files.update(|all| all.push(chip));
        }
    }

    /// Adds files already stored: those of the message being edited (`sent_before`), or those
    /// of a message the server refused (still pending uploads).
    pub fn add_stored(&self, metas: Vec<AttachmentMeta>, sent_before: bool) {
        let chips: Vec<AttachedFile> = metas
            .into_iter()
            .map(|meta| {
                let image = meta.kind == sluice_wire::attachments::AttachmentKind::Image;
                let (name, size) = (meta.name.clone(), meta.size_bytes);
                self.chip(name, size, image, UploadState::Ready(meta), sent_before)
            })
            .collect();
        self.files.update(|all| all.extend(chips));
    }

    /// Removes chip `key`: aborts its upload, or deletes its pending upload on the server.
    pub fn remove(&self, key: u64) {
        let mut removed = None;
        self.files.update(|all| {
            if let Some(at) = all.iter().position(|f| f.key == key) {
                removed = Some(all.remove(at));
            }
        });
        if let Some(chip) = removed {
            forget(&chip);
        }
    }

    /// Empties the draft, deleting the uploads no message took (the editor's Cancel).
    pub fn discard(&self) {
        let all = self.files.try_update(std::mem::take).unwrap_or_default();
        all.iter().for_each(forget);
    }

    /// Empties the draft; the files now belong to a message being sent.
    pub fn clear(&self) {
        self.files.set(Vec::new());
    }

    /// Every chip's state (tracked).
    pub fn states(&self) -> Vec<UploadState> {
        self.files
            .with(|all| all.iter().map(|f| f.state.get()).collect())
    }

    /// True while any upload is in flight (tracked): Send waits.
    pub fn uploading(&self) -> bool {
        self.states().iter().any(UploadState::is_uploading)
    }

    /// True when an image is attached (tracked): the model must see images.
    pub fn has_images(&self) -> bool {
        upload_state::has_images(&self.states())
    }

    /// The ready files, in order (untracked).
    pub fn ready(&self) -> Vec<AttachmentMeta> {
        untrack(|| upload_state::ready_files(&self.states()))
    }
}

/// Lets go of a chip's file on the server: aborts its upload, or deletes the pending upload.
fn forget(chip: &AttachedFile) {
    let state = chip.state.get_untracked();
    match state {
        UploadState::Uploading { .. } => {
            if let Some(request) = chip.request.try_update_value(Option::take).flatten() {
                let _ = request.abort();
            }
        }
        UploadState::Ready(meta) if !chip.sent_before => delete_upload(&meta.id),
        _ => {}
    }
}
