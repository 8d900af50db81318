//! The composer: the message textarea (Enter sends, Shift+Enter adds a newline) and the
//! Send button, which becomes Stop while an answer streams. Its text is the shared
//! [`ComposerDraft`], so a suggestion can fill it and ask for focus.

use crate::components::chat_session::{ChatSession, ComposerDraft, ModelChoice};
use leptos::html::Textarea;
use leptos::prelude::*;

/// Textarea plus Send/Stop.
#[component]
pub fn Composer() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    let shared = expect_context::<ComposerDraft>();
    let draft = shared.text;
    let textarea = NodeRef::<Textarea>::new();
    // A suggestion filled the draft: the cursor goes to its end, ready to edit or send.
    Effect::watch(
        move || shared.focus_requests.get(),
        move |_, _, _| {
            if let Some(el) = textarea.get_untracked() {
                let _ = el.focus();
                let end = el.value().encode_utf16().count() as u32;
                let _ = el.set_selection_range(end, end);
            }
        },
        false,
    );
    // A message the server refused comes back here, unless something new was typed meanwhile.
    Effect::new(move |_| {
        if let Some(text) = session.refused_draft.get() {
            if draft.get_untracked().is_empty() {
                draft.set(text);
            }
            session.refused_draft.set(None);
        }
    });

    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || session.streaming.get_untracked() {
            return;
        }
        session.send(text, choice.effective());
        draft.set(String::new());
        if let Some(el) = textarea.get_untracked() {
            el.set_value("");
            let _ = el.focus();
        }
    };

    view! {
        <form
            class="composer"
            on:submit=move |ev| {
                ev.prevent_default();
                if session.streaming.get_untracked() { session.stop() } else { send() }
            }
        >
            <textarea
                node_ref=textarea
                aria-label="Message"
                placeholder="Message Sluice…"
                rows="2"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <button
                type="submit"
                data-testid="send-stop"
                class=move || if session.streaming.get() { "stop" } else { "send" }
            >
                {move || if session.streaming.get() { "Stop" } else { "Send" }}
            </button>
        </form>
    }
}
