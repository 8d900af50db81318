//! The unfinished tail as a view sees it: its text plus a generation number that tells
//! whether the text only grew since the view last looked.
//!
//! A view that appends (the growing code fence) must know that the new tail is the old one
//! plus a suffix without comparing the two (that would cost the tail's length per token).
//! [`StreamTail`] guarantees it by construction: its text can only be replaced (which takes a
//! fresh, process-wide unique generation) or extended (which keeps the generation). So equal
//! generations and a longer text mean "the old text plus `text[old_len..]`".
//!
//! One more change keeps the generation: [`StreamTail::drop_front`], when the freezer moves
//! finished blocks off the tail's front. [`StreamTail::dropped`] counts those bytes, so a view
//! that saw `(dropped, len)` knows the new text is the old one minus its first
//! `dropped - old_dropped` bytes, plus a suffix; a view that cannot shift its state renders
//! the tail whole, as for a new generation.

use std::sync::atomic::{AtomicU64, Ordering};

/// Source of generation numbers; 0 is reserved for the empty default.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// The tail text shown by a view; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamTail {
    /// The tail's Markdown source (raw, possibly with half-typed syntax).
    text: String,
    /// Changes whenever `text` is replaced rather than extended or cut at the front (or
    /// `definitions` change).
    generation: u64,
    /// Bytes cut off the front since this generation began (see [`StreamTail::drop_front`]),
    /// so a view can tell a front cut from a replacement without comparing texts.
    dropped: usize,
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

    /// Bytes cut off the front in this generation (see [`StreamTail::drop_front`]).
    pub fn dropped(&self) -> usize {
        self.dropped
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
        self.dropped = 0;
        self.generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
    }

    /// Cuts the first `len` bytes off the text (finished blocks frozen off the tail), keeping
    /// the generation. Returns false, changing nothing, when `len` is past the end or inside a
    /// character (the caller then replaces the text).
    #[must_use]
    pub fn drop_front(&mut self, len: usize) -> bool {
        if !self.text.is_char_boundary(len) {
            return false;
        }
        self.text.drain(..len);
        self.dropped += len;
        true
    }

    /// Extends the text (same generation).
    pub fn append(&mut self, more: &str) {
        self.text.push_str(more);
    }
}

#[cfg(test)]
mod tests {
    use crate::StreamTail;

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

    #[test]
    fn dropping_the_front_keeps_the_generation_and_counts_the_bytes() {
        let mut tail = StreamTail::default();
        tail.replace("A.\n\nB is");
        let generation = tail.generation();
        assert!(tail.drop_front(4));
        tail.append(" long");
        assert_eq!(
            (tail.text(), tail.generation(), tail.dropped()),
            ("B is long", generation, 4)
        );
        tail.replace("new");
        assert_eq!(tail.dropped(), 0, "a new generation starts the count again");
        tail.replace("é");
        assert!(!tail.drop_front(1), "not inside a character");
        assert!(!tail.drop_front(3), "not past the end");
        assert_eq!((tail.text(), tail.dropped()), ("é", 0));
    }
}
