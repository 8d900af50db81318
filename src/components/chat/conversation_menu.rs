//! The conversation's settings in the top bar: its title, the system prompt editor (saved with
//! the conversation, or kept for a new chat until its first message), the export links
//! and Share (`sharing::share_dialog`).
//! The entries are a list inside [`OverflowMenu`] (a row on wide screens, a "⋯" menu on
//! small ones); adding one is one line there, an entry component using [`MenuEntry`].

use crate::api::update_conversation_settings;
use crate::components::chat::overflow_menu::{MenuEntry, OverflowMenu};
use crate::components::chat_session::{ChatSession, ModelChoice};
use crate::components::sharing::share_dialog::ShareDialog;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Title, "Settings" toggle with the system prompt, and "Export" links.
#[component]
pub fn ConversationMenu() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    let open = RwSignal::new(false);
    let sharing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let toggle = Callback::new(move |()| {
        draft.set(session.system_prompt.get_untracked());
        note.set(None);
        open.update(|o| *o = !*o);
    });
    let save = move || {
        let prompt = draft.get_untracked();
        let Some(id) = session.conversation_id.get_untracked() else {
            session.system_prompt.set(prompt);
            note.set(Some("Used when this chat starts.".to_string()));
            return;
        };
        let model = choice.effective_untracked();
        spawn_local(async move {
            match update_conversation_settings(id, model, Some(prompt.clone())).await {
                Ok(()) => {
                    session.system_prompt.set(prompt);
                    note.try_set(Some("Saved.".to_string()));
                }
                Err(e) => {
                    note.try_set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <div class="conversation-menu">
            <span class="conversation-title" data-testid="conversation-title">
                {move || session.title.get()}
            </span>
            <OverflowMenu>
                <SettingsEntry toggle expanded=open />
                <ExportEntry format="markdown" label="Export .md" />
                <ExportEntry format="json" label="Export .json" />
                <ShareEntry open=sharing />
            </OverflowMenu>
            <ShareDialog open=sharing />
            <Show when=move || open.get()>
                <form
                    class="settings-panel"
                    data-testid="settings-panel"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save();
                    }
                >
                    <label>
                        "System prompt"
                        <textarea
                            rows="4"
                            data-testid="system-prompt-input"
                            placeholder="Instructions the model gets before every message in this chat"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                    <div class="editor-actions">
                        <button type="submit" class="send" data-testid="settings-save">
                            "Save"
                        </button>
                        <button type="button" on:click=move |_| open.set(false)>
                            "Close"
                        </button>
                        <span class="settings-note" role="status">{move || note.get()}</span>
                    </div>
                </form>
            </Show>
        </div>
    }
    .into_any()
}

/// "Settings": opens and closes the system prompt editor.
#[component]
fn SettingsEntry(toggle: Callback<()>, expanded: RwSignal<bool>) -> impl IntoView {
    let menu = expect_context::<MenuEntry>();
    view! {
        <button
            type="button"
            data-testid="settings-toggle"
            role=menu.role()
            aria-expanded=move || expanded.get().to_string()
            on:click=move |_| {
                menu.chosen();
                toggle.run(());
            }
        >
            "Settings"
        </button>
    }
}

/// A download of the stored conversation in `format` (`markdown` or `json`; absent for a
/// new chat, which has nothing stored yet).
#[component]
fn ExportEntry(format: &'static str, label: &'static str) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let menu = expect_context::<MenuEntry>();
    let href = move || {
        session
            .conversation_id
            .get()
            .map(|id| format!("/api/conversations/{id}/export?format={format}"))
    };
    view! {
        <Show when=move || session.conversation_id.with(Option::is_some)>
            <a
                class="button-link"
                data-testid=format!("export-{format}")
                href=href
                download
                role=menu.role()
                on:click=move |_| menu.chosen()
            >
                {label}
            </a>
        </Show>
    }
}

/// "Share": opens the Share dialog (`sharing::share_dialog`) for a stored conversation.
#[component]
fn ShareEntry(open: RwSignal<bool>) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let menu = expect_context::<MenuEntry>();
    view! {
        <Show when=move || session.conversation_id.with(Option::is_some)>
            <button
                type="button"
                data-testid="share-open"
                role=menu.role()
                aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string()
                disabled=move || session.streaming.get()
                on:click=move |_| {
                    menu.chosen();
                    open.update(|o| *o = !*o);
                }
            >
                "Share"
            </button>
        </Show>
    }
}
