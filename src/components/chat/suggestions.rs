//! Example prompts on a new, empty chat: each button fills the composer with its text (and
//! focuses it) without sending, so the reader can edit it first.

use crate::components::chat_session::{ChatSession, ComposerDraft};
use leptos::prelude::*;

/// The examples: a short label and the text put into the composer.
const SUGGESTIONS: [(&str, &str); 4] = [
    (
        "Explain a concept",
        "Explain how public-key cryptography works, with a simple example.",
    ),
    (
        "Write some code",
        "Write a Rust function that checks whether a string is a palindrome, with tests.",
    ),
    (
        "Summarise a text",
        "Summarise the following text in three bullet points:\n\n",
    ),
    (
        "Plan something",
        "Help me plan a relaxed three-day trip to Lisbon.",
    ),
];

/// The suggestion buttons, while the chat has no message.
#[component]
pub fn Suggestions() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let draft = expect_context::<ComposerDraft>();
    let empty = move || {
        session.entries.with(Vec::is_empty)
            && session.open_error.with(Option::is_none)
            && session.conversation_id.with(Option::is_none)
    };
    view! {
        <Show when=empty>
            <ul class="suggestions" data-testid="suggestions" aria-label="Suggestions">
                {SUGGESTIONS
                    .into_iter()
                    .map(|(label, text)| {
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="suggestion"
                                    data-testid="suggestion"
                                    on:click=move |_| draft.fill(text)
                                >
                                    <span class="suggestion-label">{label}</span>
                                    <span class="suggestion-text">{text.trim_end()}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Show>
    }
}
