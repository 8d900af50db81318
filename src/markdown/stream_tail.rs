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
    /// Changes whenever `text` is replaced rather than extended (or `definitions` change).
    generation: u64,
    /// Link reference definitions from the answer's frozen blocks (written out, as the
    /// preamble the freezer puts before blocks that use labels), so a `[label]` in the tail
    /// renders as the link it will be; empty when the answer defines none.
    definitions: String,
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

    /// The answer's link reference definitions the tail may use (see the field).
    pub fn definitions(&self) -> &str {
        &self.definitions
    }

    /// Sets the definitions; a change is a new generation (the rendering may change).
    pub fn set_definitions(&mut self, definitions: &str) {
        if self.definitions != definitions {
            self.definitions.clear();
            self.definitions.push_str(definitions);
            self.generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Empties the tail and its definitions (a new generation).
    pub fn clear(&mut self) {
        self.definitions.clear();
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
        tail.set_definitions("[x]: /x\n\n");
        assert_ne!(tail.generation(), second);
        let third = tail.generation();
        tail.set_definitions("[x]: /x\n\n");
        assert_eq!(
            tail.generation(),
            third,
            "same definitions, same generation"
        );
        tail.clear();
        assert_ne!(tail.generation(), third);
        assert_eq!((tail.text(), tail.definitions()), ("", ""));
    }
}
