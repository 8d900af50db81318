//! Emphasis delimiter bookkeeping for tail completion.
//!
//! Tracks `*`, `_` and `~` openers with CommonMark's flanking rules
//! (slightly stricter for intraword `*`), so [`crate::heal::inline`] knows
//! which emphasis is still open at the end of the tail.

/// An emphasis or strikethrough opener still waiting for its closer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Opener {
    /// Byte offset of the delimiter run.
    pub(crate) pos: usize,
    /// The delimiter character (`*`, `_` or `~`).
    pub(crate) marker: u8,
    /// Remaining run length still to be closed.
    pub(crate) len: usize,
}

/// Applies one `*`, `_` or `~` run to the opener stack.
pub(crate) fn handle_delimiter_run(text: &str, pos: usize, run: usize, openers: &mut OpenerStack) {
    let marker = text.as_bytes()[pos];
    if marker == b'~' && run > 2 {
        return;
    }
    let before = text[..pos].chars().next_back();
    let after = text[pos + run..].chars().next();
    let flanking = Flanking::of(before, after);
    let alphanumeric_before = before.is_some_and(char::is_alphanumeric);
    let (can_open, can_close) = if marker == b'_' {
        (
            flanking.left && (!flanking.right || before.is_some_and(is_punctuation)),
            flanking.right && (!flanking.left || after.is_some_and(is_punctuation)),
        )
    } else {
        // Stricter than CommonMark: an intraword `*` (as in `2*3`) is not
        // treated as an opener, to avoid flashing italics in formulas.
        (flanking.left && !alphanumeric_before, flanking.right)
    };
    if can_close && openers.try_close(marker, run) {
        return;
    }
    if can_open {
        openers.push(Opener {
            pos,
            marker,
            len: run,
        });
    }
}

/// Open emphasis delimiters in document order, with per-marker counts so a
/// closer with no possible opener costs nothing (keeps hostile input linear).
#[derive(Default)]
pub(crate) struct OpenerStack {
    /// Openers, innermost last (so also sorted by position).
    pub(crate) items: Vec<Opener>,
    /// How many openers of `*`, `_` and `~` are on the stack.
    counts: [usize; 3],
}

impl OpenerStack {
    /// Slot of a marker in `counts`.
    fn slot(marker: u8) -> usize {
        match marker {
            b'*' => 0,
            b'_' => 1,
            _ => 2,
        }
    }

    /// Pushes an opener.
    fn push(&mut self, opener: Opener) {
        self.counts[Self::slot(opener.marker)] += 1;
        self.items.push(opener);
    }

    /// Closes the innermost opener of `marker` with a run of `run`; openers
    /// inside it can no longer close and are dropped. False if none matched.
    fn try_close(&mut self, marker: u8, run: usize) -> bool {
        if self.counts[Self::slot(marker)] == 0 {
            return false;
        }
        let Some(found) = self.items.iter().rposition(|o| o.marker == marker) else {
            return false;
        };
        let opener_len = self.items[found].len;
        if marker == b'~' && opener_len != run {
            return false;
        }
        if opener_len > run {
            self.items[found].len -= run;
            self.truncate_to(found + 1);
        } else {
            self.truncate_to(found);
        }
        true
    }

    /// Drops openers at or after byte offset `pos`.
    pub(crate) fn truncate_from(&mut self, pos: usize) {
        let keep = self.items.partition_point(|o| o.pos < pos);
        self.truncate_to(keep);
    }

    /// Keeps only the first `len` openers.
    fn truncate_to(&mut self, len: usize) {
        while self.items.len() > len {
            if let Some(removed) = self.items.pop() {
                self.counts[Self::slot(removed.marker)] -= 1;
            }
        }
    }
}

/// CommonMark's left/right-flanking classification of a delimiter run.
struct Flanking {
    /// Can open emphasis (followed by non-space, with punctuation rules).
    left: bool,
    /// Can close emphasis (preceded by non-space, with punctuation rules).
    right: bool,
}

impl Flanking {
    /// Classifies a run from the characters around it (`None` = text edge).
    fn of(before: Option<char>, after: Option<char>) -> Self {
        let before_space_or_punct = before.is_none_or(|c| c.is_whitespace() || is_punctuation(c));
        let after_space_or_punct = after.is_none_or(|c| c.is_whitespace() || is_punctuation(c));
        Flanking {
            left: after.is_some_and(|c| !c.is_whitespace())
                && (!after.is_some_and(is_punctuation) || before_space_or_punct),
            right: before.is_some_and(|c| !c.is_whitespace())
                && (!before.is_some_and(is_punctuation) || after_space_or_punct),
        }
    }
}

/// ASCII punctuation (a close enough stand-in for Unicode punctuation).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
}
