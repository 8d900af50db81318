//! "Jump to latest": a button over the bottom of the message list, shown while an answer
//! streams and the reader has scrolled up (the list then stops following). Clicking it
//! scrolls to the end, and the list follows the answer again.

use crate::components::chat_session::{ChatSession, ReadingPosition};
use leptos::prelude::*;

/// The button, in a zero-height row between the list and the composer.
#[component]
pub fn JumpToLatest() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let position = expect_context::<ReadingPosition>();
    let shown = move || session.streaming.get() && position.away_from_bottom.get();
    view! {
        <div class="jump-row">
            <Show when=shown>
                <button
                    type="button"
                    class="jump-to-latest"
                    data-testid="jump-to-latest"
                    on:click=move |_| position.jump_to_latest()
                >
                    "↓ Jump to latest"
                </button>
            </Show>
        </div>
    }
}
