//! What the sidebar lists, in its three views. Normally: the pinned chats on top, then the
//! folders (each with its chats), then the other chats grouped by date. Searching: every match
//! in one list, archived ones marked. The archived view: the archived chats, to restore or
//! delete.

use crate::components::sidebar::conversation_item::ConversationItem;
use crate::components::sidebar::date_groups::{group_by_date, local_today_start_ms};
use crate::components::sidebar::folder_section::FolderSection;
use crate::conversation::ConversationSummary;
use crate::organise::Folder;
use leptos::prelude::*;

/// A titled list of entries.
fn group(
    label: &'static str,
    test_id: &'static str,
    items: Vec<ConversationSummary>,
) -> impl IntoView {
    view! {
        <section class="conversation-group" data-testid=test_id>
            <h3>{label}</h3>
            <ul>
                {items
                    .into_iter()
                    .map(|summary| view! { <ConversationItem summary /> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The normal view of `list` (not archived, pinned first) with `folders`.
pub fn organised(list: Vec<ConversationSummary>, folders: Vec<Folder>) -> AnyView {
    let (pinned, rest): (Vec<_>, Vec<_>) = list.into_iter().partition(|c| c.pinned);
    let mut unfiled = Vec::new();
    let mut filed: Vec<(Folder, Vec<ConversationSummary>)> =
        folders.into_iter().map(|f| (f, Vec::new())).collect();
    for chat in rest {
        match filed
            .iter_mut()
            .find(|(f, _)| chat.folder_id.as_ref() == Some(&f.id))
        {
            Some((_, chats)) => chats.push(chat),
            None => unfiled.push(chat),
        }
    }
    let pinned = (!pinned.is_empty()).then(|| group("Pinned", "pinned-section", pinned));
    let folders = (!filed.is_empty()).then(|| {
        view! {
            <section class="folders" data-testid="folders" aria-label="Folders">
                {filed
                    .into_iter()
                    .map(|(folder, chats)| view! { <FolderSection folder chats /> })
                    .collect_view()}
            </section>
        }
    });
    let dated = group_by_date(unfiled, |c| c.updated_at, local_today_start_ms())
        .into_iter()
        .map(|(label, items)| group(label, "date-group", items))
        .collect_view();
    view! { {pinned} {folders} {dated} }.into_any()
}

/// Search results, or the archived view: one flat list.
pub fn flat(label: &'static str, list: Vec<ConversationSummary>) -> AnyView {
    group(label, "flat-list", list).into_any()
}
