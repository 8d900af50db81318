//! The row of chips above the message box (`<ul aria-label="Attached files">`), wrapping on
//! narrow screens; empty, it takes no room.

use super::chip::UploadChip;
use super::draft::AttachmentDraft;
use leptos::prelude::*;

/// The chips of `draft`.
#[component]
pub fn AttachmentTray(draft: AttachmentDraft) -> impl IntoView {
    view! {
        <Show when=move || draft.files.with(|f| !f.is_empty())>
            <ul class="attachment-tray" aria-label="Attached files" data-testid="attachment-tray">
                <For each=move || draft.files.get() key=|file| file.key let:file>
                    <UploadChip draft file />
                </For>
            </ul>
        </Show>
    }
}
