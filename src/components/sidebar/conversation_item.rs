//! One conversation in the sidebar: a link to `/c/{id}`, Rename (inline editor: Enter saves,
//! Esc cancels) and Delete (asks to confirm; deleting the open conversation starts a new chat).

use crate::api::{delete_conversation, rename_conversation};
use crate::components::chat_session::ChatSession;
use crate::conversation::ConversationSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the entry is showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The link and its buttons.
    Normal,
    /// The title editor.
    Renaming,
    /// "Delete this chat?" with Delete / Cancel.
    Confirming,
}

/// A sidebar entry.
#[component]
pub fn ConversationItem(summary: ConversationSummary) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let mode = RwSignal::new(Mode::Normal);
    let draft = RwSignal::new(summary.title.clone());
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(summary.id.clone());
    let title = StoredValue::new(summary.title.clone());
    let href = format!("/c/{}", summary.id);
    let is_current = move || {
        session
            .conversation_id
            .with(|c| c.as_deref() == Some(&id.get_value()))
    };

    // The list may be refetched (and this entry disposed) while a request is in flight, so
    // the tasks below copy what they need first and touch this entry's signals with `try_`.
    let rename = move || {
        let title = draft.get_untracked();
        let id = id.get_value();
        spawn_local(async move {
            match rename_conversation(id.clone(), title.clone()).await {
                Ok(()) => {
                    mode.try_set(Mode::Normal);
                    error.try_set(None);
                    if session.conversation_id.get_untracked().as_deref() == Some(&id) {
                        session
                            .title
                            .set(title.split_whitespace().collect::<Vec<_>>().join(" "));
                    }
                    session.list_version.update(|v| *v += 1);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let delete = move || {
        let id = id.get_value();
        spawn_local(async move {
            match delete_conversation(id.clone()).await {
                Ok(()) => {
                    // The layout moves the URL to `/` when the open conversation goes.
                    if session.conversation_id.get_untracked().as_deref() == Some(&id) {
                        session.new_chat(String::new());
                    }
                    session.list_version.update(|v| *v += 1);
                }
                Err(e) => {
                    mode.try_set(Mode::Normal);
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };

    view! {
        <li
            class="conversation-item"
            class:current=is_current
            data-testid="conversation-item"
            data-id=summary.id.to_string()
        >
            {move || match mode.get() {
                Mode::Normal => view! {
                    <a href=href.clone() class="conversation-link" data-testid="conversation-link">
                        {title.get_value()}
                    </a>
                    <span class="item-actions">
                        <button
                            type="button"
                            class="icon-button"
                            aria-label="Rename"
                            data-testid="rename-conversation"
                            on:click=move |_| {
                                draft.set(title.get_value());
                                mode.set(Mode::Renaming);
                            }
                        >
                            "Rename"
                        </button>
                        <button
                            type="button"
                            class="icon-button"
                            aria-label="Delete"
                            data-testid="delete-conversation"
                            on:click=move |_| mode.set(Mode::Confirming)
                        >
                            "Delete"
                        </button>
                    </span>
                }
                .into_any(),
                Mode::Renaming => view! {
                    <form
                        class="rename-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            rename();
                        }
                    >
                        <input
                            type="text"
                            aria-label="Title"
                            data-testid="rename-input"
                            maxlength="200"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                            on:keydown=move |ev| {
                                if ev.key() == "Escape" {
                                    ev.stop_propagation();
                                    mode.set(Mode::Normal);
                                }
                            }
                        />
                    </form>
                }
                .into_any(),
                Mode::Confirming => {
                    view! {
                        <span class="confirm-delete" role="alertdialog" aria-label="Delete this chat?">
                            <span>"Delete this chat?"</span>
                            <button
                                type="button"
                                class="danger"
                                data-testid="confirm-delete"
                                on:click=move |_| delete()
                            >
                                "Delete"
                            </button>
                            <button type="button" on:click=move |_| mode.set(Mode::Normal)>
                                "Cancel"
                            </button>
                        </span>
                    }
                    .into_any()
                }
            }}
            {move || error.get().map(|e| view! { <p class="item-error" role="alert">{e}</p> })}
        </li>
    }
}
