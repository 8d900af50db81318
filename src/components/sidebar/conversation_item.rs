//! One conversation in the sidebar: a link to `/c/{id}`, Rename (inline editor: Enter saves,
//! Esc cancels) and Delete (asks to confirm; deleting the open conversation starts a new chat),
//! the "⋯" menu (`item_menu`: pin, archive, move), a checkbox in select mode, an "Archived"
//! mark in search results, and dragging onto a folder (the browser's drag and drop).

use crate::api::{delete_conversation, rename_conversation};
use crate::components::chat_session::ChatSession;
use crate::components::sidebar::item_menu::ItemMenu;
use crate::components::sidebar::organiser::Organiser;
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
    let organiser = expect_context::<Organiser>();
    let mode = RwSignal::new(Mode::Normal);
    let draft = RwSignal::new(summary.title.clone());
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(summary.id.clone());
    let title = StoredValue::new(summary.title.clone());
    let href = format!("/c/{}", summary.id);
    let archived = summary.archived_at.is_some();
    let select_label = format!("Select {}", summary.title);
    let on_rename = Callback::new(move |()| {
        draft.set(title.get_value());
        mode.set(Mode::Renaming);
    });
    let on_delete = Callback::new(move |()| mode.set(Mode::Confirming));
    let menu_summary = StoredValue::new(summary.clone());
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
            class:pinned=summary.pinned
            data-testid="conversation-item"
            data-id=summary.id.to_string()
            data-pinned=summary.pinned.to_string()
            draggable="true"
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                let id = id.get_value();
                // Firefox starts a drag only when it carries data.
                if let Some(transfer) = ev.data_transfer() {
                    let _ = transfer.set_data("text/plain", &id);
                    transfer.set_effect_allowed("move");
                }
                organiser.dragging.set(Some(id));
            }
            on:dragend=move |_| organiser.dragging.set(None)
        >
            {move || {
                organiser.selecting.get().then(|| {
                    let label = select_label.clone();
                    view! {
                        <input
                            type="checkbox"
                            class="select-conversation"
                            aria-label=label
                            data-testid="select-conversation"
                            prop:checked=move || organiser.is_selected(&id.get_value())
                            on:change=move |_| organiser.toggle(&id.get_value())
                        />
                    }
                })
            }}
            {move || match mode.get() {
                Mode::Normal => view! {
                    <a href=href.clone() class="conversation-link" data-testid="conversation-link">
                        {title.get_value()}
                    </a>
                    {archived.then(|| view! {
                        <span class="archived-badge" data-testid="archived-badge">"Archived"</span>
                    })}
                    <span class="item-actions">
                        <ItemMenu summary=menu_summary.get_value() on_rename on_delete />
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
