//! A user message: its text, the version switcher, Copy, its time, and Edit — which opens an editor in place
//! and sends the edited text as a new version (the original is kept as a sibling).

use crate::components::chat_session::{ChatSession, MessageEntry, ModelChoice};
use crate::components::message::copy_button::CopyButton;
use crate::components::message::relative_time::RelativeTime;
use crate::components::message::sibling_switcher::SiblingSwitcher;
use leptos::html::Textarea;
use leptos::prelude::*;

/// The user bubble with its actions.
#[component]
pub fn UserMessage(entry: MessageEntry) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    // Edit hands the keyboard to the editor (the Edit button it was on goes away).
    let editor = NodeRef::<Textarea>::new();
    let can_edit = move || !session.streaming.get() && entry.server_id.with(Option::is_some);
    let save = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        editing.set(false);
        session.edit(entry.id, text, choice.effective());
    };
    view! {
        <article class="message user" data-role="user" data-status="done">
            <Show
                when=move || editing.get()
                fallback=move || view! { <p class="user-text">{move || entry.text.get()}</p> }
            >
                <form
                    class="message-editor"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save();
                    }
                >
                    <textarea
                        node_ref=editor
                        aria-label="Edit message"
                        data-testid="edit-input"
                        rows="3"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.stop_propagation();
                                editing.set(false);
                            }
                        }
                    ></textarea>
                    <div class="editor-actions">
                        <button type="submit" class="send" data-testid="edit-save">
                            "Save & send"
                        </button>
                        <button type="button" on:click=move |_| editing.set(false)>
                            "Cancel"
                        </button>
                    </div>
                </form>
            </Show>
            <div class="message-actions">
                <SiblingSwitcher entry />
                <Show when=move || !editing.get()>
                    <CopyButton text=entry.text />
                    <RelativeTime at=entry.created_at />
                </Show>
                <Show when=move || can_edit() && !editing.get()>
                    <button
                        type="button"
                        class="icon-button"
                        data-testid="edit-message"
                        on:click=move |_| {
                            draft.set(entry.text.get_untracked());
                            editing.set(true);
                            request_animation_frame(move || {
                                if let Some(editor) = editor.get_untracked() {
                                    let _ = editor.focus();
                                }
                            });
                        }
                    >
                        "Edit"
                    </button>
                </Show>
            </div>
        </article>
    }
}
