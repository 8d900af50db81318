//! The typing indicator, shown from send until the first token of the answer.

use crate::components::chat_session::{ChatSession, MessageStatus};
use crate::events::Role;
use leptos::prelude::*;

/// `role="status"` so screen readers announce it.
#[component]
pub fn TypingIndicator() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let waiting = move || {
        session
            .thread()
            .last()
            .is_some_and(|e| e.role == Role::Assistant && e.status.get() == MessageStatus::Waiting)
    };
    view! {
        <Show when=waiting>
            <div class="typing-indicator" role="status" data-testid="typing-indicator">
                <span class="dots" aria-hidden="true">
                    <span></span>
                    <span></span>
                    <span></span>
                </span>
                "Assistant is typing…"
            </div>
        </Show>
    }
}
