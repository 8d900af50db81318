//! Where the reader is in the message list: the list's element (so a button elsewhere can
//! scroll it) and whether they have scrolled away from the bottom (the list stops following
//! the answer then, and "Jump to latest" appears while it streams).

use leptos::html::Section;
use leptos::prelude::*;

/// The message list's scroller and the reader's place in it (handles, so `Copy`).
#[derive(Clone, Copy, Debug)]
pub struct ReadingPosition {
    /// The scrolling `<section>` of the message list (set when it is mounted).
    pub list: NodeRef<Section>,
    /// True while the reader is scrolled up, away from the newest text.
    pub away_from_bottom: RwSignal<bool>,
}

impl Default for ReadingPosition {
    fn default() -> Self {
        Self::new()
    }
}

impl ReadingPosition {
    /// Not mounted yet; at the bottom.
    pub fn new() -> Self {
        Self {
            list: NodeRef::new(),
            away_from_bottom: RwSignal::new(false),
        }
    }

    /// Scrolls the list to its end; the list follows new text from there again.
    pub fn jump_to_latest(&self) {
        if let Some(list) = self.list.get_untracked() {
            list.set_scroll_top(list.scroll_height());
        }
        self.away_from_bottom.set(false);
    }
}
