//! A user message: its text and files, the version switcher, Copy, its time, and Edit — which
//! opens an editor in place (the text, and the files as chips to keep or remove, more may be
//! attached) and sends the result as a new version (the original is kept as a sibling).

use crate::components::attachments::file_transfer::files_of;
use crate::components::attachments::upload_state::may_send;
use crate::components::attachments::{AttachButton, AttachmentDraft, AttachmentTray, VisionNote};
use crate::components::chat_session::{ChatSession, MessageEntry, ModelChoice};
use crate::components::message::attachments::SentAttachments;
use crate::components::message::copy_button::CopyButton;
use crate::components::message::relative_time::RelativeTime;
use crate::components::message::sibling_switcher::SiblingSwitcher;
use leptos::html::Textarea;
use leptos::prelude::*;

/// The user bubble with its actions.
#[component]
pub fn UserMessage(entry: MessageEntry) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let files = AttachmentDraft::new();
    // Edit hands the keyboard to the editor (the Edit button it was on goes away).
    let editor = NodeRef::<Textarea>::new();
    let can_edit = move || !session.streaming.get() && entry.server_id.with(Option::is_some);
    let save = move || {
        let text = draft.get_untracked();
        if !untrack(|| may_send(&text, &files.states())) {
            return;
        }
        editing.set(false);
        session.edit(entry.id, text, files.ready(), choice.effective());
        files.clear();
    };
    let cancel = move || {
        editing.set(false);
        files.discard();
    };
    view! {
        <article class="message user" data-role="user" data-status="done">
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <Show when=move || entry.text.with(|t| !t.is_empty())>
                            <p class="user-text">{move || entry.text.get()}</p>
                        </Show>
                        <SentAttachments files=entry.attachments />
                    }
                }
            >
                <form
                    class="message-editor"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save();
                    }
                >
                    <textarea
                        node_ref=editor
                        aria-label="Edit message"
                        data-testid="edit-input"
                        rows="3"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.stop_propagation();
                                cancel();
                            }
                        }
                        on:paste=move |ev| {
                            let pasted = files_of(ev.clipboard_data());
                            if !pasted.is_empty() {
                                ev.prevent_default();
                                files.add_files(pasted);
                            }
                        }
                    ></textarea>
                    <AttachmentTray draft=files />
                    <VisionNote draft=files />
                    <div class="editor-actions">
                        <AttachButton draft=files />
                        <button
                            type="submit"
                            class="send"
                            data-testid="edit-save"
                            disabled=move || files.uploading()
                        >
                            "Save & send"
                        </button>
                        <button type="button" on:click=move |_| cancel()>
                            "Cancel"
                        </button>
                    </div>
                </form>
            </Show>
            <div class="message-actions">
                <SiblingSwitcher entry />
                <Show when=move || !editing.get()>
                    <CopyButton text=entry.text />
                    <RelativeTime at=entry.created_at />
                </Show>
                <Show when=move || can_edit() && !editing.get()>
                    <button
                        type="button"
                        class="icon-button"
                        data-testid="edit-message"
                        on:click=move |_| {
                            draft.set(entry.text.get_untracked());
                            files.discard();
                            files.add_stored(entry.attachments.get_untracked(), true);
                            editing.set(true);
                            request_animation_frame(move || {
                                if let Some(editor) = editor.get_untracked() {
                                    let _ = editor.focus();
                                }
                            });
                        }
                    >
                        "Edit"
                    </button>
                </Show>
            </div>
        </article>
    }
}
