//! An image at full size over the page: a modal dialog (`role="dialog"`, `aria-modal`, named
//! by the file) with the image and Close. Opening moves focus to Close and keeps Tab there;
//! Esc, Close or a click on the backdrop closes it, and focus returns to the thumbnail. Esc is
//! taken here, so it does not also stop a streaming answer (the window's shortcut).

use leptos::html::Button;
use leptos::portal::Portal;
use leptos::prelude::*;
use sluice_wire::attachments::{attachment_url, AttachmentMeta};

/// The dialog, shown while `opened` holds an image.
#[component]
pub fn ImageLightbox(opened: RwSignal<Option<AttachmentMeta>>) -> impl IntoView {
    let close_button = NodeRef::<Button>::new();
    crate::components::dialog_focus::follow_dialog_focus(
        move || opened.with(Option::is_some),
        close_button,
    );
    let close = move || opened.set(None);
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            close();
        }
        // Close is the dialog's one control: Tab and Shift+Tab stay on it.
        "Tab" => {
            ev.prevent_default();
            if let Some(button) = close_button.get_untracked() {
                let _ = button.focus();
            }
        }
        _ => {}
    };
    view! {
        <Show when=move || opened.with(Option::is_some)>
            <Portal>
                {move || {
                    opened
                        .get()
                        .map(|meta| {
                            view! {
                                <div class="lightbox-backdrop" on:click=move |_| close()></div>
                                <div
                                    class="lightbox"
                                    role="dialog"
                                    aria-modal="true"
                                    aria-label=meta.name.clone()
                                    data-testid="lightbox"
                                    on:keydown=on_keydown
                                >
                                    <div class="lightbox-header">
                                        <span class="lightbox-name">{meta.name.clone()}</span>
                                        <button
                                            type="button"
                                            node_ref=close_button
                                            data-testid="lightbox-close"
                                            on:click=move |_| close()
                                        >
                                            "Close"
                                        </button>
                                    </div>
                                    <img
                                        class="lightbox-image"
                                        data-testid="lightbox-image"
                                        src=attachment_url(&meta.id)
                                        alt=meta.name.clone()
                                    />
                                </div>
                            }
                        })
                }}
            </Portal>
        </Show>
    }
}
