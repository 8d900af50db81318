//! The files under a sent user message: images as thumbnails (`alt` = the file name, drawn at
//! their scaled size so nothing shifts when they arrive) that open full size in the
//! [`ImageLightbox`], other files as chips linking to their download (name, kind, size).

use crate::byte_size;
use crate::components::attachments::icons;
use crate::components::attachments::thumbnail_size::fit_within;
use crate::components::message::lightbox::ImageLightbox;
use leptos::prelude::*;
use sluice_wire::attachments::{attachment_url, AttachmentKind, AttachmentMeta};

/// The thumbnail box under a message, in CSS pixels.
const MESSAGE_THUMB_PX: u32 = 240;

/// `<ul data-testid="message-attachments">` when `files` is not empty.
#[component]
pub fn SentAttachments(#[prop(into)] files: Signal<Vec<AttachmentMeta>>) -> impl IntoView {
    let opened = RwSignal::new(None::<AttachmentMeta>);
    view! {
        <Show when=move || files.with(|f| !f.is_empty())>
            <ul class="message-attachments" data-testid="message-attachments">
                {move || files.get().into_iter().map(|meta| sent_file(meta, opened)).collect_view()}
            </ul>
        </Show>
        <ImageLightbox opened />
    }
}

/// One file: a thumbnail button for an image, a download chip for anything else.
fn sent_file(meta: AttachmentMeta, opened: RwSignal<Option<AttachmentMeta>>) -> AnyView {
    let url = attachment_url(&meta.id);
    if meta.kind == AttachmentKind::Image {
        let (width, height) = fit_within(meta.width, meta.height, MESSAGE_THUMB_PX);
        let label = format!("Open {} full size", meta.name);
        let name = meta.name.clone();
        return view! {
            <li class="sent-image">
                <button
                    type="button"
                    class="thumbnail-button"
                    data-testid="message-thumbnail"
                    aria-label=label
                    aria-haspopup="dialog"
                    on:click=move |_| opened.set(Some(meta.clone()))
                >
                    <img src=url alt=name width=width height=height loading="lazy" />
                </button>
            </li>
        }
        .into_any();
    }
    let kind = match meta.kind {
        AttachmentKind::Pdf => "PDF",
        _ => "Text",
    };
    view! {
        <li>
            <a
                class="file-chip"
                data-testid="message-file"
                href=url
                download=meta.name.clone()
            >
                {icons::page()}
                <span class="chip-text">
                    <span class="chip-name">{meta.name.clone()}</span>
                    <span class="chip-size">{format!("{kind} · {}", byte_size::size(meta.size_bytes))}</span>
                </span>
            </a>
        </li>
    }
    .into_any()
}
