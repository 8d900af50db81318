//! The "‹ 2 / 3 ›" switcher under a message that has other versions (regenerated answers or
//! edited messages): pages through the siblings and shows the branch under each.

use crate::components::chat_session::{ChatSession, MessageEntry};
use leptos::prelude::*;

/// Shown only when `entry` has siblings.
#[component]
pub fn SiblingSwitcher(entry: MessageEntry) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let position = Memo::new(move |_| session.siblings(&entry));
    view! {
        <Show when=move || { position.get().count > 1 }>
            <span class="sibling-switcher" data-testid="sibling-switcher">
                <button
                    type="button"
                    class="icon-button"
                    aria-label="Previous version"
                    data-testid="sibling-previous"
                    disabled=move || position.get().previous.is_none() || session.streaming.get()
                    on:click=move |_| {
                        if let Some(id) = position.get_untracked().previous {
                            session.select(id);
                        }
                    }
                >
                    "‹"
                </button>
                <span class="sibling-position" data-testid="sibling-position">
                    {move || {
                        let p = position.get();
                        format!("{} / {}", p.index, p.count)
                    }}
                </span>
                <button
                    type="button"
                    class="icon-button"
                    aria-label="Next version"
                    data-testid="sibling-next"
                    disabled=move || position.get().next.is_none() || session.streaming.get()
                    on:click=move |_| {
                        if let Some(id) = position.get_untracked().next {
                            session.select(id);
                        }
                    }
                >
                    "›"
                </button>
            </span>
        </Show>
    }
}
