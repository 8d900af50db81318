//! `/shared`: the user's shared links, newest first — title (opens the link), when it was made,
//! when it expires, Copy link and Revoke. Loaded in the browser only (like `/admin`); without
//! a user the server already answers the page with a 303 to `/sign-in`.

use crate::api::{list_shares, revoke_share};
use crate::components::markdown::code_block::copy_to_clipboard;
use crate::sharing::{share_path, ShareSummary};
use crate::time_text::{full_utc, iso_utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

/// The page listing the user's links.
#[component]
pub fn SharedLinksPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let note = RwSignal::new(None::<String>);
    let links = LocalResource::new(move || {
        version.track();
        list_shares()
    });
    let body = move || {
        links.get().map(|result| match result {
            Ok(list) if list.is_empty() => view! {
                <p class="auth-note" data-testid="shared-links-empty">
                    "You have not shared any chat. Use “Share” in a conversation to make a link."
                </p>
            }
            .into_any(),
            Ok(list) => links_table(list, version, note),
            Err(error) => view! {
                <p class="auth-error" role="alert" data-testid="shared-links-error">
                    {error.message}
                </p>
            }
            .into_any(),
        })
    };
    view! {
        <Title text="Shared links · Sluice" />
        <main class="admin-page shared-links-page" data-testid="shared-links-page">
            <header class="admin-header">
                <h1>"Shared links"</h1>
                <a class="button-link" href="/" rel="external">"Back to the chat"</a>
            </header>
            <p class="auth-note">
                "Each link shows a read-only snapshot of one chat as it was when shared. Revoking "
                "a link ends it at once."
            </p>
            <p class="settings-note" role="status" data-testid="shared-links-note">
                {move || note.get()}
            </p>
            <Transition fallback=|| view! { <p class="auth-note">"Loading…"</p> }>{body}</Transition>
        </main>
    }
}

/// The table of links.
fn links_table(
    list: Vec<ShareSummary>,
    version: RwSignal<u32>,
    note: RwSignal<Option<String>>,
) -> AnyView {
    view! {
        <table class="users-table shared-links-table">
            <thead>
                <tr>
                    <th>"Chat"</th>
                    <th>"Shared"</th>
                    <th>"Expires"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|link| link_row(link, version, note)).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// One link's row.
fn link_row(link: ShareSummary, version: RwSignal<u32>, note: RwSignal<Option<String>>) -> AnyView {
    let path = share_path(&link.token);
    let expires = match (link.expires_at, link.expired) {
        (_, true) => "Expired".to_string(),
        (Some(at), false) => full_utc(at),
        (None, false) => "Never".to_string(),
    };
    let token = link.token.clone();
    let revoke = move |_| {
        let token = token.clone();
        spawn_local(async move {
            match revoke_share(token).await {
                Ok(()) => {
                    note.try_set(Some("Link revoked.".to_string()));
                    version.try_update(|v| *v += 1);
                }
                Err(error) => {
                    note.try_set(Some(error.message));
                }
            }
        });
    };
    let copy_path = path.clone();
    let copy = move |_| {
        let origin = window().location().origin().unwrap_or_default();
        copy_to_clipboard(&format!("{origin}{copy_path}"));
        note.set(Some("Link copied.".to_string()));
    };
    view! {
        <tr data-testid="shared-link-row" data-token=link.token.clone()>
            <td>
                <a href=path.clone() rel="external" target="_blank" data-testid="shared-link-open">
                    {link.title.clone()}
                </a>
            </td>
            <td>
                <time datetime=iso_utc(link.created_at)>{full_utc(link.created_at)}</time>
            </td>
            <td data-testid="shared-link-expiry">{expires}</td>
            <td class="user-actions">
                <button type="button" data-testid="shared-link-copy" on:click=copy>
                    "Copy link"
                </button>
                <button type="button" data-testid="share-revoke" on:click=revoke>
                    "Revoke"
                </button>
            </td>
        </tr>
    }
    .into_any()
}
