//! The dialog behind "Share" in the conversation menu (the entry itself is one of the menu's
//! entries, `chat::conversation_menu`): include the system prompt or not, how long the link
//! works, "Create link", then the link with Copy. The link shows the branch on screen (its
//! last stored message is sent as `leaf_id`), frozen as it is now. Each opening starts afresh.

use crate::api::create_share;
use crate::components::chat_session::ChatSession;
use crate::components::markdown::code_block::copy_to_clipboard;
use crate::sharing::{share_path, ShareExpiry};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The Share dialog while `open` is true.
#[component]
pub fn ShareDialog(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <ShareForm open />
        </Show>
    }
}

/// The dialog's content, created anew at each opening.
#[component]
fn ShareForm(open: RwSignal<bool>) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let include_system_prompt = RwSignal::new(false);
    let expiry = RwSignal::new(ShareExpiry::Never);
    let link = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let create = move |_| {
        let Some(id) = session.conversation_id.get_untracked() else {
            return;
        };
        let leaf = session
            .thread()
            .iter()
            .rev()
            .find_map(|entry| entry.server_id.get_untracked());
        busy.set(true);
        note.set(None);
        let include = include_system_prompt.get_untracked();
        let expiry = expiry.get_untracked();
        spawn_local(async move {
            match create_share(id, leaf, include, expiry).await {
                Ok(share) => {
                    let origin = window().location().origin().unwrap_or_default();
                    link.try_set(Some(format!("{origin}{}", share_path(&share.token))));
                }
                Err(error) => {
                    note.try_set(Some(error.message));
                }
            }
            busy.try_set(false);
        });
    };
    let copy = move |_| {
        if let Some(url) = link.get_untracked() {
            copy_to_clipboard(&url);
            note.set(Some("Copied.".to_string()));
        }
    };
    view! {
            <div
                class="settings-panel share-dialog"
                role="dialog"
                aria-labelledby="share-dialog-title"
                data-testid="share-dialog"
            >
                <h2 id="share-dialog-title">"Share a read-only link"</h2>
                <p class="share-explain">
                    "The link shows the messages on screen as they are now. Other versions, later "
                    "messages and your account stay private."
                </p>
                <label class="share-option">
                    <input
                        type="checkbox"
                        data-testid="share-include-system-prompt"
                        prop:checked=move || include_system_prompt.get()
                        on:change=move |ev| include_system_prompt.set(event_target_checked(&ev))
                    />
                    "Include system prompt"
                </label>
                <label class="share-option">
                    "Link expires"
                    <select
                        data-testid="share-expiry"
                        on:change=move |ev| {
                            if let Some(choice) = ShareExpiry::parse(&event_target_value(&ev)) {
                                expiry.set(choice);
                            }
                        }
                    >
                        {ShareExpiry::ALL
                            .into_iter()
                            .map(|choice| {
                                view! {
                                    <option
                                        value=choice.as_str()
                                        selected=move || expiry.get() == choice
                                    >
                                        {choice.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <div class="editor-actions">
                    <button
                        type="button"
                        class="send"
                        data-testid="share-create"
                        disabled=move || busy.get()
                        on:click=create
                    >
                        "Create link"
                    </button>
                    <button type="button" on:click=move |_| open.set(false)>
                        "Close"
                    </button>
                </div>
                {move || {
                    link.get()
                        .map(|url| {
                            view! {
                                <div class="share-result">
                                    <input
                                        type="text"
                                        readonly
                                        aria-label="Shared link"
                                        data-testid="share-link"
                                        prop:value=url
                                    />
                                    <button type="button" data-testid="share-copy" on:click=copy>
                                        "Copy"
                                    </button>
                                </div>
                            }
                        })
                }}
                <p class="settings-note" role="status" data-testid="share-note">
                    {move || note.get()}
                </p>
                <a href="/shared" rel="external" data-testid="shared-links-from-dialog">
                    "Manage shared links"
                </a>
            </div>
    }
}
