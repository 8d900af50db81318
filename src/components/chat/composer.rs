//! The composer: the message textarea (Enter sends, Shift+Enter adds a newline), the attach
//! button, the chips of attached files and the Send button, which becomes Stop while an answer
//! streams. Its text is the shared [`ComposerDraft`], so a suggestion can fill it and ask for
//! focus. Files come by the paperclip, a paste (an image on the clipboard; pasted text stays
//! text) or a drop onto the composer, which shows itself as a drop target while a file is
//! dragged over it; a file dropped anywhere else is ignored instead of opening in the tab.
//! Send waits while an upload is in flight and may go with files and no text.

use crate::components::attachments::file_transfer::{carries_files, files_of, guard_page_drops};
use crate::components::attachments::upload_state::may_send;
use crate::components::attachments::{AttachButton, AttachmentDraft, AttachmentTray, VisionNote};
use crate::components::chat_session::{ChatSession, ComposerDraft, ModelChoice};
use leptos::html::Textarea;
use leptos::prelude::*;

/// Textarea, attachments and Send/Stop.
#[component]
pub fn Composer() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    let shared = expect_context::<ComposerDraft>();
    let draft = shared.text;
    let files = AttachmentDraft::new();
    let textarea = NodeRef::<Textarea>::new();
    // A suggestion filled the draft: the cursor goes to its end, ready to edit or send.
    Effect::watch(
        move || shared.focus_requests.get(),
        move |_, _, _| {
            if let Some(el) = textarea.get_untracked() {
                let _ = el.focus();
                let end = el.value().encode_utf16().count() as u32;
                let _ = el.set_selection_range(end, end);
            }
        },
        false,
    );
    // A message the server refused comes back here (text and files), unless something new
    // was typed or attached meanwhile.
    Effect::new(move |_| {
        if let Some(text) = session.refused_draft.get() {
            let returned = session.refused_attachments.get_untracked();
            if draft.get_untracked().is_empty() && files.files.with_untracked(Vec::is_empty) {
                draft.set(text);
                files.add_stored(returned, false);
            }
            session.refused_draft.set(None);
            session.refused_attachments.set(Vec::new());
        }
    });
    // Files dropped outside the composer must not make the browser leave the page (window
    // listeners: none on the server).
    guard_page_drops();
    // Drags over the composer's children enter and leave it many times: counted.
    let drags_inside = RwSignal::new(0_i32);
    let dragging = move || drags_inside.get() > 0;

    let ready_to_send = move || may_send(&draft.get(), &files.states());
    let send = move || {
        if session.streaming.get_untracked() || !untrack(ready_to_send) {
            return;
        }
        let text = draft.get_untracked();
        session.send(text, files.ready(), choice.effective());
        draft.set(String::new());
        files.clear();
        if let Some(el) = textarea.get_untracked() {
            el.set_value("");
            let _ = el.focus();
        }
    };

    view! {
        <form
            class="composer"
            class:drop-target=dragging
            data-testid="composer"
            on:submit=move |ev| {
                ev.prevent_default();
                if session.streaming.get_untracked() { session.stop() } else { send() }
            }
            on:dragenter=move |ev| {
                if carries_files(ev.data_transfer().as_ref()) {
                    ev.prevent_default();
                    drags_inside.update(|n| *n += 1);
                }
            }
            on:dragover=move |ev| {
                if let Some(transfer) = ev.data_transfer().filter(|t| carries_files(Some(t))) {
                    ev.prevent_default();
                    transfer.set_drop_effect("copy");
                }
            }
            on:dragleave=move |ev| {
                if carries_files(ev.data_transfer().as_ref()) {
                    drags_inside.update(|n| *n = (*n - 1).max(0));
                }
            }
            on:drop=move |ev| {
                drags_inside.set(0);
                let dropped = files_of(ev.data_transfer());
                if !dropped.is_empty() {
                    ev.prevent_default();
                    files.add_files(dropped);
                }
            }
        >
            <AttachmentTray draft=files />
            <VisionNote draft=files />
            <AttachButton draft=files />
            <textarea
                node_ref=textarea
                aria-label="Message"
                placeholder="Message Sluice…"
                rows="2"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }
                on:paste=move |ev| {
                    // Files on the clipboard (a screenshot) attach; text pastes as ever.
                    let pasted = files_of(ev.clipboard_data());
                    if !pasted.is_empty() {
                        ev.prevent_default();
                        files.add_files(pasted);
                    }
                }
            ></textarea>
            <button
                type="submit"
                data-testid="send-stop"
                class=move || if session.streaming.get() { "stop" } else { "send" }
                disabled=move || !session.streaming.get() && files.uploading()
            >
                {move || if session.streaming.get() { "Stop" } else { "Send" }}
            </button>
        </form>
    }
}
