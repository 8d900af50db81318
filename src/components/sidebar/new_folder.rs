//! "New folder" in the sidebar: a button that opens a name field (Enter creates, Esc
//! cancels); a refused name (empty, too long, taken) shows the server's sentence.

use crate::api::create_folder;
use crate::components::sidebar::organiser::Organiser;
use crate::organise::{normalize_folder_name, MAX_FOLDER_NAME_CHARS};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The "New folder" button and its name field.
#[component]
pub fn NewFolder() -> impl IntoView {
    let organiser = expect_context::<Organiser>();
    let open = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The field takes the focus when it appears, so a keyboard user types the name at once.
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let Some(input) = field.get() {
            let _ = input.focus();
        }
    });
    let create = move || {
        let raw = draft.get_untracked();
        // The same rule as the server's, answered at once.
        if let Err(problem) = normalize_folder_name(&raw) {
            error.set(Some(problem));
            return;
        }
        spawn_local(async move {
            match create_folder(raw).await {
                Ok(_) => {
                    error.try_set(None);
                    open.try_set(false);
                    draft.try_set(String::new());
                    organiser.refresh();
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        {move || if open.get() {
            view! {
                <form
                    class="new-folder-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        create();
                    }
                >
                    <input
                        type="text"
                        aria-label="New folder name"
                        placeholder="Folder name"
                        data-testid="new-folder-input"
                        maxlength=MAX_FOLDER_NAME_CHARS.to_string()
                        node_ref=field
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.stop_propagation();
                                open.set(false);
                                error.set(None);
                            }
                        }
                    />
                </form>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="icon-button"
                    data-testid="new-folder"
                    on:click=move |_| open.set(true)
                >
                    "New folder"
                </button>
            }
            .into_any()
        }}
        {move || error.get().map(|e| view! { <p class="item-error" role="alert" data-testid="folder-error">{e}</p> })}
    }
}
