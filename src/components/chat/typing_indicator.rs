//! The typing indicator, shown from send until the first token of the answer, and while the
//! connection to a streaming answer is being re-established ("Reconnecting…").

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
    let reconnecting = move || session.reconnecting.get();
    view! {
        <Show when=move || waiting() || reconnecting()>
            <div
                class="typing-indicator"
                role="status"
                data-testid="typing-indicator"
                data-reconnecting=move || reconnecting().to_string()
            >
                <span class="dots" aria-hidden="true">
                    <span></span>
                    <span></span>
                    <span></span>
                </span>
                {move || if reconnecting() { "Reconnecting…" } else { "Assistant is typing…" }}
            </div>
        </Show>
    }
}
