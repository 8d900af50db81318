//! Import in the sidebar: pick a JSON file exported by Sluice; it is sent to the server,
//! validated there, and opens as a new conversation. A bad file shows the server's sentence
//! saying what is wrong and changes nothing.

use crate::api::import_conversation;
use crate::components::chat_session::{open_conversation, ChatSession, ModelChoice};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// The "Import" button (a file picker) and its error line.
#[component]
pub fn ImportButton() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let choice = expect_context::<ModelChoice>();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Clear the picker so choosing the same file again fires `change` again.
        input.set_value("");
        busy.set(true);
        spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|value| value.as_string());
            let result = match text {
                Some(document) => import_conversation(document)
                    .await
                    .map_err(|e| e.to_string()),
                None => Err("The file could not be read as text.".to_string()),
            };
            busy.set(false);
            match result {
                Ok(conversation) => {
                    error.set(None);
                    session.list_version.update(|v| *v += 1);
                    open_conversation(session, choice, conversation.id);
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    view! {
        <label class="import-button button-link" class:busy=move || busy.get()>
            "Import .json"
            <input
                type="file"
                accept=".json,application/json"
                class="visually-hidden"
                data-testid="import-input"
                on:change=on_change
            />
        </label>
        {move || {
            error.get().map(|e| view! { <p class="item-error" role="alert" data-testid="import-error">{e}</p> })
        }}
    }
}
