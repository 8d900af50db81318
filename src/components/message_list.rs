//! The scrolling list of messages. It follows a streaming answer to the bottom unless the
//! reader scrolled up, and resumes following once they scroll back down.

use crate::components::chat_session::ChatSession;
use crate::components::message_view::MessageView;
use leptos::html::Section;
use leptos::prelude::*;

/// Distance from the bottom (px) within which the list keeps following new text.
const STICK_THRESHOLD_PX: i32 = 48;

/// All messages, oldest first.
#[component]
pub fn MessageList() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let list = NodeRef::<Section>::new();
    let follow = RwSignal::new(true);

    Effect::new(move |_| {
        // Track the growing answer: any change of the last message re-runs this.
        session.messages.with(|m| {
            if let Some(last) = m.last() {
                last.tail.track();
                last.blocks.track();
                last.status.track();
            }
        });
        if follow.get_untracked() {
            if let Some(el) = list.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });

    view! {
        <section
            class="message-list"
            data-testid="message-list"
            node_ref=list
            aria-live="off"
            on:scroll=move |_| {
                if let Some(el) = list.get_untracked() {
                    let distance = el.scroll_height() - el.scroll_top() - el.client_height();
                    follow.set(distance <= STICK_THRESHOLD_PX);
                }
            }
        >
            <Show when=move || session.messages.with(Vec::is_empty)>
                <div class="empty-state">
                    <h2>"What can I help with?"</h2>
                    <p>"Answers stream in as they are written. Press Esc or Stop to halt one."</p>
                </div>
            </Show>
            <For each=move || session.messages.get() key=|entry| entry.id let:entry>
                <MessageView entry />
            </For>
        </section>
    }
}
