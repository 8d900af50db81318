//! A frozen part of a streamed answer ([`Block`]) and how a view applies new blocks and
//! re-renderings to the list it shows ([`merge_blocks`]).

/// A frozen top-level part of the answer (one or more Markdown blocks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Unique id within the answer (new blocks and re-renderings count up), usable as a
    /// stable key by views.
    pub id: u64,
    /// The Markdown to render for this block on its own: its text, preceded by the answer's
    /// link reference definitions when the text uses or defines labels.
    pub source: String,
    /// Where the block's own text begins in `source` (0 without definitions).
    pub text_start: usize,
    /// `Some(id)` when this block is a new rendering of the earlier block `id` (same text,
    /// a definition it uses arrived later): views swap it in at that block's place.
    pub replaces: Option<u64>,
}

impl Block {
    /// The block's own text (the answer's text is the concatenation of these).
    pub fn text(&self) -> &str {
        &self.source[self.text_start..]
    }
}

/// Applies blocks from [`crate::IncrementalMarkdown::push`] or `finish` to the
/// list a view shows: a new rendering takes the place of the block it replaces, anything else
/// is appended.
pub fn merge_blocks(shown: &mut Vec<Block>, update: Vec<Block>) {
    for block in update {
        let place = block
            .replaces
            .and_then(|old| shown.iter().position(|b| b.id == old));
        match place {
            Some(index) => shown[index] = block,
            None => shown.push(block),
        }
    }
}
