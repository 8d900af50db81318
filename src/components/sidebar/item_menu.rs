//! One sidebar entry's "⋯" menu: Pin/Unpin, Archive/Restore, Move to… (the folders and "No
//! folder": what phones and keyboards use instead of dragging), Rename and Delete (handed back
//! to the entry, which owns its editor and its confirmation). Esc or a second click closes it.

use crate::api::{archive_conversations, move_conversations, set_conversation_pinned};
use crate::components::sidebar::organiser::Organiser;
use crate::conversation::ConversationSummary;
use crate::ids::FolderId;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the menu shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Panel {
    /// Closed: only the "⋯" button.
    Closed,
    /// The actions.
    Actions,
    /// The folders to move to.
    Folders,
}

/// The menu of the entry `summary`; `on_rename` and `on_delete` start the entry's own editor
/// and confirmation.
#[component]
pub fn ItemMenu(
    summary: ConversationSummary,
    on_rename: Callback<()>,
    on_delete: Callback<()>,
) -> impl IntoView {
    let organiser = expect_context::<Organiser>();
    let panel = RwSignal::new(Panel::Closed);
    let id = StoredValue::new(summary.id.clone());
    let pinned = summary.pinned;
    let archived = summary.archived_at.is_some();
    let current_folder = StoredValue::new(summary.folder_id.clone());
    let title = summary.title.clone();

    // The entry may be disposed by the refetch while a request is in flight: tasks copy first.
    let pin = move || {
        let id = id.get_value();
        panel.set(Panel::Closed);
        spawn_local(async move {
            organiser.settle(set_conversation_pinned(id, !pinned).await);
        });
    };
    let archive = move || {
        let id = id.get_value();
        panel.set(Panel::Closed);
        spawn_local(async move {
            organiser.settle(archive_conversations(vec![id], !archived).await);
        });
    };
    let move_to = move |folder: Option<FolderId>| {
        let id = id.get_value();
        panel.set(Panel::Closed);
        spawn_local(async move {
            organiser.settle(move_conversations(vec![id], folder).await);
        });
    };

    view! {
        <span class="item-menu">
            <button
                type="button"
                class="icon-button"
                aria-label=format!("More actions for {title}")
                aria-expanded=move || (panel.get() != Panel::Closed).to_string()
                data-testid="item-menu"
                on:click=move |_| {
                    panel.update(|p| *p = if *p == Panel::Closed { Panel::Actions } else { Panel::Closed })
                }
            >
                "⋯"
            </button>
            {move || match panel.get() {
                Panel::Closed => ().into_any(),
                Panel::Actions => view! {
                    <div
                        class="item-menu-popup"
                        role="group"
                        aria-label="Chat actions"
                        data-testid="item-menu-popup"
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.stop_propagation();
                                panel.set(Panel::Closed);
                            }
                        }
                    >
                        <button type="button" data-testid="menu-pin" on:click=move |_| pin()>
                            {if pinned { "Unpin" } else { "Pin" }}
                        </button>
                        <button type="button" data-testid="menu-archive" on:click=move |_| archive()>
                            {if archived { "Restore" } else { "Archive" }}
                        </button>
                        <button
                            type="button"
                            data-testid="menu-move"
                            on:click=move |_| panel.set(Panel::Folders)
                        >
                            "Move to…"
                        </button>
                        <button
                            type="button"
                            data-testid="menu-rename"
                            on:click=move |_| {
                                panel.set(Panel::Closed);
                                on_rename.run(());
                            }
                        >
                            "Rename"
                        </button>
                        <button
                            type="button"
                            class="danger-text"
                            data-testid="menu-delete"
                            on:click=move |_| {
                                panel.set(Panel::Closed);
                                on_delete.run(());
                            }
                        >
                            "Delete"
                        </button>
                    </div>
                }
                .into_any(),
                Panel::Folders => view! {
                    <div
                        class="item-menu-popup"
                        role="group"
                        aria-label="Move to folder"
                        data-testid="move-menu"
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.stop_propagation();
                                panel.set(Panel::Closed);
                            }
                        }
                    >
                        {move || {
                            organiser
                                .folders
                                .get()
                                .into_iter()
                                .map(|folder| {
                                    let here = current_folder.get_value().as_ref() == Some(&folder.id);
                                    let target = folder.id.clone();
                                    view! {
                                        <button
                                            type="button"
                                            data-testid="move-target"
                                            data-name=folder.name.clone()
                                            disabled=here
                                            on:click=move |_| move_to(Some(target.clone()))
                                        >
                                            {folder.name.clone()}
                                        </button>
                                    }
                                })
                                .collect_view()
                        }}
                        <button
                            type="button"
                            data-testid="move-target-none"
                            disabled=current_folder.get_value().is_none()
                            on:click=move |_| move_to(None)
                        >
                            "No folder"
                        </button>
                        {move || {
                            organiser.folders.with(Vec::is_empty).then(|| view! {
                                <p class="sidebar-note">"No folders yet: use “New folder”."</p>
                            })
                        }}
                    </div>
                }
                .into_any(),
            }}
        </span>
    }
}
