//! The chat page: header with the model picker, the message list, the typing indicator and
//! the composer. Esc anywhere on the page stops a streaming answer.

use crate::api::list_models;
use crate::components::chat_session::ChatSession;
use crate::components::composer::Composer;
use crate::components::message_list::MessageList;
use crate::components::model_picker::ModelPicker;
use crate::components::typing_indicator::TypingIndicator;
use leptos::ev;
use leptos::prelude::*;

/// The model chosen in the picker, with the list to fall back on.
#[derive(Clone, Copy)]
pub struct ModelChoice {
    /// The picker's value ("" until the user picks).
    pub selected: RwSignal<String>,
    /// The models from the server.
    pub list: Resource<Result<crate::api::ModelList, ServerFnError>>,
}

impl ModelChoice {
    /// The model to use: the picked one, else the server's default.
    pub fn effective(&self) -> Option<String> {
        let selected = self.selected.get();
        if !selected.is_empty() {
            return Some(selected);
        }
        self.list
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.default_model)
    }
}

/// The whole chat view.
#[component]
pub fn ChatPage() -> impl IntoView {
    let session = ChatSession::new();
    let choice = ModelChoice {
        selected: RwSignal::new(String::new()),
        list: Resource::new(|| (), |_| list_models()),
    };
    provide_context(session);
    provide_context(choice);

    let handle = window_event_listener(ev::keydown, move |event| {
        if event.key() == "Escape" && session.streaming.get_untracked() {
            event.prevent_default();
            session.stop();
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <div class="chat-page">
            <header class="top-bar">
                <h1 class="brand">"Sluice"</h1>
                <ModelPicker />
                <button type="button" class="new-chat" on:click=move |_| session.clear()>
                    "New chat"
                </button>
            </header>
            <MessageList />
            <TypingIndicator />
            <Composer />
        </div>
    }
}
