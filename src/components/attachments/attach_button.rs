//! The attach button: a paperclip (`aria-label="Attach files"`) opening the browser's file
//! picker, a hidden `<input type=file multiple>`; the chosen files join the draft and upload.

use super::draft::AttachmentDraft;
use super::icons;
use leptos::html::Input;
use leptos::prelude::*;

/// Paperclip button plus its hidden file input.
#[component]
pub fn AttachButton(draft: AttachmentDraft) -> impl IntoView {
    let input = NodeRef::<Input>::new();
    view! {
        <button
            type="button"
            class="attach-button icon-only"
            aria-label="Attach files"
            title="Attach files (or paste, or drop them here)"
            data-testid="attach-files"
            on:click=move |_| {
                if let Some(input) = input.get_untracked() {
                    input.click();
                }
            }
        >
            {icons::paperclip()}
        </button>
        <input
            node_ref=input
            type="file"
            multiple
            hidden
            tabindex="-1"
            data-testid="attach-input"
            on:change=move |_| {
                if let Some(input) = input.get_untracked() {
                    let files = input
                        .files()
                        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                        .unwrap_or_default();
                    // Cleared, so choosing the same file again fires `change` again.
                    input.set_value("");
                    draft.add_files(files);
                }
            }
        />
    }
}
