//! The collapsible "Thinking" section above an answer: the model's reasoning streams into it
//! as plain text (never rendered as HTML). It starts open while the model is only thinking and
//! can be folded away by the reader.

use crate::components::chat_session::{MessageEntry, MessageStatus};
use leptos::prelude::*;

/// `<details>` with the reasoning text; absent when the answer has none.
#[component]
pub fn ReasoningView(entry: MessageEntry) -> impl IntoView {
    let thinking_now =
        move || entry.status.get() == MessageStatus::Streaming && entry.text.with(String::is_empty);
    move || {
        entry.reasoning.with(|r| !r.is_empty()).then(|| {
            view! {
                <details class="thinking" data-testid="thinking" open=thinking_now>
                    <summary>{move || if thinking_now() { "Thinking…" } else { "Thinking" }}</summary>
                    <div class="thinking-text">{move || entry.reasoning.get()}</div>
                </details>
            }
        })
    }
}
