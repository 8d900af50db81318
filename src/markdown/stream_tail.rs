//! The unfinished tail as a view sees it: its text plus a generation number that tells
//! whether the text only grew since the view last looked.
//!
//! A view that appends (the growing code fence) must know that the new tail is the old one
//! plus a suffix without comparing the two (that would cost the tail's length per token).
//! [`StreamTail`] guarantees it by construction: its text can only be replaced (which takes a
//! fresh, process-wide unique generation) or extended (which keeps the generation). So equal
//! generations and a longer text mean "the old text plus `text[old_len..]`".

use std::sync::atomic::{AtomicU64, Ordering};

/// Source of generation numbers; 0 is reserved for the empty default.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// The tail text shown by a view; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamTail {
    /// The tail's Markdown source (raw, possibly with half-typed syntax).
    text: String,
    /// Changes whenever `text` is replaced rather than extended.
    generation: u64,
}

impl StreamTail {
    /// The tail's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The generation: equal generations mean one text extends the other.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Empties the tail (a new generation).
    pub fn clear(&mut self) {
        self.replace("");
    }

    /// Replaces the text (a new generation).
    pub fn replace(&mut self, text: &str) {
        self.text.clear();
        self.text.push_str(text);
        self.generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
    }

    /// Extends the text (same generation).
    pub fn append(&mut self, more: &str) {
        self.text.push_str(more);
    }
}

#[cfg(test)]
mod tests {
    use super::StreamTail;

    #[test]
    fn replacing_changes_the_generation_appending_keeps_it() {
        let mut tail = StreamTail::default();
        tail.replace("a");
        let first = tail.generation();
        tail.append("b");
        assert_eq!((tail.text(), tail.generation()), ("ab", first));
        tail.replace("ab");
        assert_ne!(tail.generation(), first);
        let second = tail.generation();
        tail.clear();
        assert_ne!(tail.generation(), second);
        assert_eq!(tail.text(), "");
    }
}
