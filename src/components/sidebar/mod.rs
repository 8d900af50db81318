//! The sidebar: New chat, search over titles and content, the conversation list (pinned chats,
//! folders, then the rest newest first, grouped by date) with rename, delete-with-confirm and
//! a "⋯" menu (pin, archive, move to a folder) on each entry, the organising tools (New
//! folder, Select for bulk actions, the Archived view), the presets panel (start a chat from a
//! saved name + system prompt + model), the "Keyboard shortcuts" button, and the account menu
//! at the bottom. The list and the
//! folders are loaded in the browser (the list depends on the reader's time zone), refetched
//! when the session says they changed. Its parts: `conversation_list` (the views),
//! `conversation_item`, `item_menu`, `folder_section`, `new_folder`, `bulk_bar`, `organiser`
//! (their shared state), `date_groups`, `import_button`, `presets_panel` (the account menu
//! lives in `account`).

pub mod bulk_bar;
pub mod conversation_item;
pub mod conversation_list;
pub mod date_groups;
pub mod folder_section;
pub mod import_button;
pub mod item_menu;
pub mod new_folder;
pub mod organiser;
pub mod presets_panel;

use crate::api::{list_conversations, list_folders};
use crate::components::account::menu::AccountMenu;
use crate::components::chat_session::{ChatSession, ModelChoice};
use crate::components::shortcuts::overlay::ShortcutsButton;
use crate::components::sidebar::bulk_bar::BulkBar;
use crate::components::sidebar::conversation_list::{flat, organised};
use crate::components::sidebar::import_button::ImportButton;
use crate::components::sidebar::new_folder::NewFolder;
use crate::components::sidebar::organiser::Organiser;
use crate::components::sidebar::presets_panel::PresetsPanel;
use crate::components::theme::ThemeSwitch;
use crate::preset::Preset;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The conversation sidebar.
#[component]
pub fn Sidebar() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let search = RwSignal::new(String::new());
    let organiser = Organiser::new(session);
    provide_context(organiser);
    let archived_view = organiser.archived_view;
    let conversations = LocalResource::new(move || {
        let search = search.get();
        let archived = archived_view.get();
        session.list_version.track();
        async move {
            let search = Some(search).filter(|s| !s.trim().is_empty());
            let list = list_conversations(search, archived).await?;
            let folders = list_folders().await?;
            Ok::<_, crate::api_error::ApiError>((list, folders))
        }
    });
    let choice = expect_context::<ModelChoice>();
    let navigate = use_navigate();
    let new_chat = {
        let navigate = navigate.clone();
        move |_| {
            session.new_chat(String::new());
            navigate("/", Default::default());
        }
    };
    let presets_open = RwSignal::new(false);
    let start_from_preset = Callback::new(move |preset: Preset| {
        session.new_chat(preset.system_prompt);
        if let Some(model) = preset.model {
            choice.selected.set(model);
        }
        presets_open.set(false);
        navigate("/", Default::default());
    });
    view! {
        <aside class="sidebar" data-testid="sidebar">
            <button type="button" class="new-chat" data-testid="new-chat" on:click=new_chat>
                "New chat"
            </button>
            <input
                type="search"
                class="sidebar-search"
                placeholder="Search chats"
                aria-label="Search chats"
                // The server refuses longer searches (200 characters; UTF-16 units ≥ characters).
                maxlength="200"
                data-testid="search-input"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <div class="organise-tools" data-testid="organise-tools">
                <NewFolder />
                <button
                    type="button"
                    class="icon-button"
                    data-testid="select-mode"
                    on:click=move |_| {
                        if organiser.selecting.get_untracked() {
                            organiser.stop_selecting();
                        } else {
                            organiser.selecting.set(true);
                        }
                    }
                >
                    {move || if organiser.selecting.get() { "Done" } else { "Select" }}
                </button>
                <button
                    type="button"
                    class="icon-button"
                    data-testid="archived-toggle"
                    on:click=move |_| {
                        organiser.stop_selecting();
                        archived_view.update(|a| *a = !*a);
                    }
                >
                    {move || if archived_view.get() { "Back to chats" } else { "Archived" }}
                </button>
            </div>
            <Show when=move || organiser.selecting.get()>
                <BulkBar />
            </Show>
            {move || organiser.error.get().map(|e| view! {
                <p class="item-error" role="alert" data-testid="organise-error">{e}</p>
            })}
            <nav class="conversation-list" aria-label="Conversations">
                <Suspense fallback=|| view! { <p class="sidebar-note">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match conversations.await {
                            Ok((list, folders)) => {
                                organiser.folders.set(folders.clone());
                                let searching = !search.get_untracked().trim().is_empty();
                                let archived = archived_view.get_untracked();
                                if list.is_empty() && (searching || archived || folders.is_empty()) {
                                    let text = if searching {
                                        "No chat matches."
                                    } else if archived {
                                        "No archived chats."
                                    } else {
                                        "No conversations yet."
                                    };
                                    view! { <p class="sidebar-note" data-testid="sidebar-empty">{text}</p> }
                                        .into_any()
                                } else if searching {
                                    flat("Results", list)
                                } else if archived {
                                    flat("Archived chats", list)
                                } else {
                                    organised(list, folders)
                                }
                            }
                            Err(_) => {
                                view! {
                                    <p class="sidebar-note" role="alert">
                                        "Could not load conversations."
                                    </p>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Suspense>
            </nav>
            <ImportButton />
            <a class="button-link shared-links-link" href="/shared" rel="external" data-testid="shared-links-link">
                "Shared links"
            </a>
            <button
                type="button"
                class="presets-toggle"
                data-testid="presets-toggle"
                aria-expanded=move || presets_open.get().to_string()
                on:click=move |_| presets_open.update(|o| *o = !*o)
            >
                "Presets"
            </button>
            <Show when=move || presets_open.get()>
                <PresetsPanel
                    on_start=start_from_preset
                    current_model=Signal::derive(move || choice.effective())
                    current_system_prompt=Signal::derive(move || session.system_prompt.get())
                />
            </Show>
            <ShortcutsButton />
            <ThemeSwitch />
            <AccountMenu />
        </aside>
    }
    .into_any()
}
