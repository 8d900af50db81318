//! Copy for a whole message: puts its text (for an answer, the Markdown source) on the
//! clipboard through `navigator.clipboard`, like a code block's Copy, and says "Copied" for
//! two seconds.

use crate::components::markdown::code_block::copy_to_clipboard;
use leptos::prelude::*;
use std::time::Duration;

/// How long "Copied" shows.
const COPIED_FOR: Duration = Duration::from_secs(2);

/// `<button data-testid="copy-message">` copying `text` when pressed.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        copy_to_clipboard(&text.get_untracked());
        copied.set(true);
        set_timeout(
            move || {
                copied.try_set(false);
            },
            COPIED_FOR,
        );
    };
    view! {
        <button
            type="button"
            class="icon-button copy-message"
            data-testid="copy-message"
            aria-label="Copy message"
            on:click=copy
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
