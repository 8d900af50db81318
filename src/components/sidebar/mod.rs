//! The sidebar: New chat, search over titles and content, the conversation list (newest
//! first, grouped by date) with rename and delete-with-confirm on each entry, and the presets
//! panel (start a chat from a saved name + system prompt + model), and the account menu at the
//! bottom. The list is
//! loaded in the browser (it depends on the reader's time zone), refetched when the session
//! says it changed. Its parts: `conversation_item`, `date_groups`, `import_button`,
//! `presets_panel` (the account menu lives in `account`).

pub mod conversation_item;
pub mod date_groups;
pub mod import_button;
pub mod presets_panel;

use crate::api::list_conversations;
use crate::components::account::menu::AccountMenu;
use crate::components::chat_session::{ChatSession, ModelChoice};
use crate::components::sidebar::conversation_item::ConversationItem;
use crate::components::sidebar::date_groups::{group_by_date, local_today_start_ms};
use crate::components::sidebar::import_button::ImportButton;
use crate::components::sidebar::presets_panel::PresetsPanel;
use crate::preset::Preset;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The conversation sidebar.
#[component]
pub fn Sidebar() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let search = RwSignal::new(String::new());
    let conversations = LocalResource::new(move || {
        let search = search.get();
        session.list_version.track();
        async move {
            let search = Some(search).filter(|s| !s.trim().is_empty());
            list_conversations(search).await
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
            <nav class="conversation-list" aria-label="Conversations">
                <Suspense fallback=|| view! { <p class="sidebar-note">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match conversations.await {
                            Ok(list) if list.is_empty() => {
                                let text = if search.get_untracked().trim().is_empty() {
                                    "No conversations yet."
                                } else {
                                    "No chat matches."
                                };
                                view! { <p class="sidebar-note" data-testid="sidebar-empty">{text}</p> }
                                    .into_any()
                            }
                            Ok(list) => {
                                let groups = group_by_date(list, |c| c.updated_at, local_today_start_ms());
                                groups
                                    .into_iter()
                                    .map(|(label, items)| {
                                        view! {
                                            <section class="conversation-group">
                                                <h3>{label}</h3>
                                                <ul>
                                                    {items
                                                        .into_iter()
                                                        .map(|summary| view! { <ConversationItem summary /> })
                                                        .collect_view()}
                                                </ul>
                                            </section>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
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
            <AccountMenu />
        </aside>
    }
    .into_any()
}
