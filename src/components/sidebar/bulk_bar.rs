//! The bar of select mode: how many chats are ticked, and Archive (Restore in the archived
//! view), Move to… (a folder or none) and Delete (asks first, naming the count) for all of
//! them at once, each one request the server applies all or nothing.

use crate::api::{archive_conversations, delete_conversations, move_conversations};
use crate::components::sidebar::organiser::Organiser;
use crate::ids::FolderId;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "1 chat", "3 chats".
fn chats(n: usize) -> String {
    if n == 1 {
        "1 chat".to_string()
    } else {
        format!("{n} chats")
    }
}

/// The bulk actions bar (shown in select mode).
#[component]
pub fn BulkBar() -> impl IntoView {
    let organiser = expect_context::<Organiser>();
    let confirming = RwSignal::new(false);
    let count = move || organiser.selected.with(Vec::len);
    // Runs one bulk call on the ticked chats, then leaves select mode if it worked.
    let finish = move |result: Result<(), crate::api_error::ApiError>| {
        let ok = result.is_ok();
        organiser.settle(result);
        if ok {
            organiser.stop_selecting();
        }
    };
    let archive = move |_| {
        let ids = organiser.selected.get_untracked();
        let archived = !organiser.archived_view.get_untracked();
        spawn_local(async move { finish(archive_conversations(ids, archived).await) });
    };
    let delete = move |_| {
        let ids = organiser.selected.get_untracked();
        confirming.set(false);
        spawn_local(async move {
            let result = delete_conversations(ids.clone()).await;
            if result.is_ok() {
                organiser.leave_if_open(&ids);
            }
            finish(result);
        });
    };
    let move_to = move |ev: leptos::ev::Event| {
        let choice = event_target_value(&ev);
        if choice.is_empty() {
            return;
        }
        let folder = (choice != "none").then(|| FolderId::from(choice));
        let ids = organiser.selected.get_untracked();
        spawn_local(async move { finish(move_conversations(ids, folder).await) });
    };
    view! {
        <div class="bulk-bar" role="toolbar" aria-label="Selected chats" data-testid="bulk-bar">
            <span class="bulk-count" data-testid="bulk-count" aria-live="polite">
                {move || format!("{} selected", chats(count()))}
            </span>
            <button
                type="button"
                data-testid="bulk-archive"
                disabled=move || count() == 0
                on:click=archive
            >
                {move || if organiser.archived_view.get() { "Restore" } else { "Archive" }}
            </button>
            <select
                aria-label="Move selected chats to"
                data-testid="bulk-move"
                disabled=move || count() == 0
                prop:value=""
                on:change=move_to
            >
                <option value="">"Move to…"</option>
                <option value="none">"No folder"</option>
                {move || {
                    organiser
                        .folders
                        .get()
                        .into_iter()
                        .map(|f| view! { <option value=f.id.to_string()>{f.name}</option> })
                        .collect_view()
                }}
            </select>
            <button
                type="button"
                class="danger"
                data-testid="bulk-delete"
                disabled=move || count() == 0
                on:click=move |_| confirming.set(true)
            >
                "Delete"
            </button>
            {move || confirming.get().then(|| view! {
                <span class="confirm-delete" role="alertdialog" aria-label="Delete the selected chats?">
                    <span>{format!("Delete {}? This cannot be undone.", chats(count()))}</span>
                    <button type="button" class="danger" data-testid="bulk-confirm-delete" on:click=delete>
                        "Delete"
                    </button>
                    <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </span>
            })}
        </div>
    }
}
