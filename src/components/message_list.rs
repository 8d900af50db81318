//! The scrolling list of messages. It follows a streaming answer to the bottom unless the
//! reader scrolled up, and resumes following once they scroll back down.

use crate::components::chat_session::ChatSession;
use crate::components::message_view::MessageView;
use crate::components::sign_in_link::sign_in_link;
use leptos::html::Section;
use leptos::prelude::*;

/// Distance from the bottom (px) within which the list keeps following new text.
const STICK_THRESHOLD_PX: i32 = 48;

/// All messages, oldest first.
#[component]
pub fn MessageList() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let list = NodeRef::<Section>::new();
    // Content height at the last update. Following is decided from the live scroll position
    // against it, not from `scroll` events (they arrive a frame late, so a token landing in
    // between would pull a reader who just scrolled up back down).
    let last_height = StoredValue::new(0);

    Effect::new(move |_| {
        // Track the growing answer: any change of the last message re-runs this.
        if let Some(last) = session.thread().last() {
            last.tail.track();
            last.blocks.track();
            last.status.track();
            last.reasoning.track();
            last.tool_calls.track();
        }
        if let Some(el) = list.get_untracked() {
            let viewport_bottom = el.scroll_top() + el.client_height();
            let previous = last_height.get_value();
            if previous == 0 || viewport_bottom >= previous - STICK_THRESHOLD_PX {
                el.set_scroll_top(el.scroll_height());
            }
            last_height.set_value(el.scroll_height());
        }
    });

    view! {
        <section class="message-list" data-testid="message-list" node_ref=list aria-live="off">
            <Show when=move || session.entries.with(Vec::is_empty) && session.open_error.with(Option::is_none)>
                <div class="empty-state">
                    <h2>"What can I help with?"</h2>
                    <p>"Answers stream in as they are written. Press Esc or Stop to halt one."</p>
                </div>
            </Show>
            {move || {
                session
                    .open_error
                    .get()
                    .map(|message| {
                        view! {
                            <div class="open-error" role="alert" data-testid="open-error">
                                {sign_in_link(&message)}
                                <p>{message.clone()}</p>
                                <a href="/">"Start a new chat"</a>
                            </div>
                        }
                    })
            }}
            <For each=move || session.thread() key=|entry| entry.id let:entry>
                <MessageView entry />
            </For>
        </section>
    }
}
