//! One file's chip in the composer (or the message editor): a thumbnail once an image is
//! stored (an icon before), the name and size, a progress bar while uploading, the server's
//! sentence when refused, and Remove.

use super::draft::{AttachedFile, AttachmentDraft};
use super::icons;
use super::thumbnail_size::fit_within;
use super::upload_state::UploadState;
use crate::byte_size;
use leptos::prelude::*;
use sluice_wire::attachments::{attachment_url, AttachmentKind};

/// The thumbnail box in the composer, in CSS pixels.
const CHIP_THUMB_PX: u32 = 96;

/// `<li data-testid="attachment-chip" data-state="uploading|ready|refused">`.
#[component]
pub fn UploadChip(draft: AttachmentDraft, file: AttachedFile) -> impl IntoView {
    let AttachedFile {
        key,
        name,
        size,
        looks_like_image,
        state,
        ..
    } = file;
    let thumb = move || match state.get() {
        UploadState::Ready(meta) if meta.kind == AttachmentKind::Image => {
            let (width, height) = fit_within(meta.width, meta.height, CHIP_THUMB_PX);
            view! {
                <img
                    class="chip-image"
                    data-testid="attachment-thumbnail"
                    src=attachment_url(&meta.id)
                    alt=""
                    width=width
                    height=height
                />
            }
            .into_any()
        }
        UploadState::Ready(_) => icons::page().into_any(),
        _ if looks_like_image => icons::picture().into_any(),
        _ => icons::page().into_any(),
    };
    let progress = move || match state.get() {
        UploadState::Uploading { sent, total } => Some(view! {
            <progress
                class="chip-progress"
                data-testid="attachment-progress"
                max=total.max(1).to_string()
                value=sent.to_string()
                aria-label="Upload progress"
            ></progress>
        }),
        _ => None,
    };
    let refusal = move || match state.get() {
        UploadState::Refused(sentence) => Some(view! {
            <p class="chip-error" role="alert" data-testid="attachment-error">{sentence}</p>
        }),
        _ => None,
    };
    let remove_label = format!("Remove {name}");
    view! {
        <li
            class="attachment-chip"
            data-testid="attachment-chip"
            data-state=move || state.with(UploadState::as_str)
            data-name=name.clone()
        >
            <span class="chip-thumb">{thumb}</span>
            <span class="chip-text">
                <span class="chip-name">{name.clone()}</span>
                <span class="chip-size">{byte_size::size(size)}</span>
                {progress}
            </span>
            <button
                type="button"
                class="chip-remove"
                data-testid="attachment-remove"
                aria-label=remove_label
                on:click=move |_| draft.remove(key)
            >
                "×"
            </button>
            {refusal}
        </li>
    }
}
