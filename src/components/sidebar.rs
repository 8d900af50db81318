//! The sidebar: New chat, search over titles and content, and the conversation list (newest
//! first, grouped by date) with rename and delete-with-confirm on each entry. The list is
//! loaded in the browser (it depends on the reader's time zone), refetched when the session
//! says it changed.

use crate::api::list_conversations;
use crate::components::chat_session::ChatSession;
use crate::components::date_groups::{group_by_date, local_today_start_ms};
use crate::components::sidebar_item::SidebarItem;
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
    let navigate = use_navigate();
    let new_chat = move |_| {
        session.new_chat(String::new());
        navigate("/", Default::default());
    };
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
                                                        .map(|summary| view! { <SidebarItem summary /> })
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
        </aside>
    }
    .into_any()
}
