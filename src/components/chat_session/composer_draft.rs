//! The composer's text as shared state, so that something outside the composer (a suggestion
//! on the empty chat) can fill it — without sending — and put the cursor there.

use leptos::prelude::*;

/// The text in the composer, and a request to focus it (all handles, so `Copy`).
#[derive(Clone, Copy, Debug)]
pub struct ComposerDraft {
    /// What the textarea shows.
    pub text: RwSignal<String>,
    /// Bumped to ask the composer to take focus (the composer watches it).
    pub focus_requests: RwSignal<u64>,
}

impl Default for ComposerDraft {
    fn default() -> Self {
        Self::new()
    }
}

impl ComposerDraft {
    /// An empty draft.
    pub fn new() -> Self {
        Self {
            text: RwSignal::new(String::new()),
            focus_requests: RwSignal::new(0),
        }
    }

    /// Replaces the draft with `text` and focuses the composer; nothing is sent.
    pub fn fill(&self, text: &str) {
        self.text.set(text.to_string());
        self.focus_requests.update(|n| *n += 1);
    }
}
