//! One folder in the sidebar: a header that folds and unfolds it (remembered on the server),
//! a "⋯" menu to rename it (inline editor: Enter saves, Esc cancels) or delete it (asks first,
//! and says its chats are kept), its chats below, and a drop target for a chat dragged onto it.

use crate::api::{delete_folder, move_conversations, rename_folder, set_folder_collapsed};
use crate::components::sidebar::conversation_item::ConversationItem;
use crate::components::sidebar::organiser::Organiser;
use crate::conversation::ConversationSummary;
use crate::organise::Folder;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the header is showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The name and its buttons.
    Normal,
    /// Rename / Delete.
    Menu,
    /// The name editor.
    Renaming,
    /// "Delete folder “…”?" with Delete / Cancel.
    Confirming,
}

/// The folder `folder` holding `chats` (not pinned ones: those are in the pinned section).
#[component]
pub fn FolderSection(folder: Folder, chats: Vec<ConversationSummary>) -> impl IntoView {
    let organiser = expect_context::<Organiser>();
    let collapsed = RwSignal::new(folder.collapsed);
    let mode = RwSignal::new(Mode::Normal);
    let draft = RwSignal::new(folder.name.clone());
    let drop_hover = RwSignal::new(false);
    let id = StoredValue::new(folder.id.clone());
    let name = StoredValue::new(folder.name.clone());
    let count = chats.len();
    // The name editor takes the focus when it appears.
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let Some(input) = field.get() {
            let _ = input.focus();
        }
    });

    let toggle = move |_| {
        let now = !collapsed.get_untracked();
        collapsed.set(now);
        let id = id.get_value();
        spawn_local(async move {
            if let Err(e) = set_folder_collapsed(id, now).await {
                organiser.error.set(Some(e.to_string()));
            }
        });
    };
    let rename = move || {
        let id = id.get_value();
        let name = draft.get_untracked();
        spawn_local(async move {
            let result = rename_folder(id, name).await;
            if result.is_ok() {
                mode.try_set(Mode::Normal);
            }
            organiser.settle(result);
        });
    };
    let delete = move || {
        let id = id.get_value();
        spawn_local(async move {
            organiser.settle(delete_folder(id).await);
        });
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        drop_hover.set(false);
        let Some(chat) = organiser.dragging.get_untracked() else {
            return;
        };
        organiser.dragging.set(None);
        let folder = id.get_value();
        spawn_local(async move {
            organiser.settle(move_conversations(vec![chat], Some(folder)).await);
        });
    };

    view! {
        <section
            class="folder"
            class:drop-hover=move || drop_hover.get()
            data-testid="folder"
            data-id=folder.id.to_string()
            data-name=folder.name.clone()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if organiser.dragging.with_untracked(Option::is_some) {
                    // Allows the drop.
                    ev.prevent_default();
                    drop_hover.set(true);
                }
            }
            on:dragleave=move |_| drop_hover.set(false)
            on:drop=on_drop
        >
            <div class="folder-header">
                {move || match mode.get() {
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
                                aria-label="Folder name"
                                data-testid="folder-rename-input"
                                node_ref=field
                                maxlength="60"
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
                    Mode::Confirming => view! {
                        <span class="confirm-delete" role="alertdialog" aria-label="Delete this folder?">
                            <span>
                                {format!("Delete folder “{}”? Its chats are kept (moved out of the folder).", name.get_value())}
                            </span>
                            <button
                                type="button"
                                class="danger"
                                data-testid="folder-confirm-delete"
                                on:click=move |_| delete()
                            >
                                "Delete folder"
                            </button>
                            <button type="button" on:click=move |_| mode.set(Mode::Normal)>
                                "Cancel"
                            </button>
                        </span>
                    }
                    .into_any(),
                    Mode::Normal | Mode::Menu => view! {
                        <button
                            type="button"
                            class="folder-toggle"
                            data-testid="folder-toggle"
                            aria-expanded=move || (!collapsed.get()).to_string()
                            on:click=toggle
                        >
                            <span class="folder-chevron" aria-hidden="true">
                                {move || if collapsed.get() { "▸" } else { "▾" }}
                            </span>
                            <span class="folder-name">{name.get_value()}</span>
                            <span class="folder-count">
                                {count}
                                <span class="visually-hidden">" chats"</span>
                            </span>
                        </button>
                        <button
                            type="button"
                            class="icon-button"
                            aria-label=format!("Folder actions for {}", name.get_value())
                            aria-expanded=move || (mode.get() == Mode::Menu).to_string()
                            data-testid="folder-menu"
                            on:click=move |_| {
                                mode.update(|m| *m = if *m == Mode::Menu { Mode::Normal } else { Mode::Menu })
                            }
                        >
                            "⋯"
                        </button>
                        {move || (mode.get() == Mode::Menu).then(|| view! {
                            <div class="item-menu-popup" role="group" aria-label="Folder actions">
                                <button
                                    type="button"
                                    data-testid="folder-rename"
                                    on:click=move |_| {
                                        draft.set(name.get_value());
                                        mode.set(Mode::Renaming);
                                    }
                                >
                                    "Rename"
                                </button>
                                <button
                                    type="button"
                                    class="danger-text"
                                    data-testid="folder-delete"
                                    on:click=move |_| mode.set(Mode::Confirming)
                                >
                                    "Delete"
                                </button>
                            </div>
                        })}
                    }
                    .into_any(),
                }}
            </div>
            <ul class="folder-chats" class:collapsed=move || collapsed.get() data-testid="folder-chats">
                {chats
                    .into_iter()
                    .map(|summary| view! { <ConversationItem summary /> })
                    .collect_view()}
            </ul>
            {(count == 0).then(|| view! {
                <p class="sidebar-note folder-empty" class:collapsed=move || collapsed.get()>
                    "Empty: drag a chat here or use “Move to…”."
                </p>
            })}
        </section>
    }
}
