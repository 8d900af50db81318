//! Verifies that a candidate split point really separates final blocks.
//!
//! The freezer proposes split points with cheap line heuristics. Before a
//! prefix is frozen, the text is parsed once with pulldown-cmark's offset
//! iterator to check that no top-level block spans the split and that a new
//! top-level block starts on the split line; then the two halves are parsed
//! separately and must produce exactly the tree of the whole. Only then is
//! the prefix frozen, so quirks of the heuristics can delay freezing but never
//! change what the user finally sees.

use std::ops::Range;

use pulldown_cmark::Event;

use crate::tree::builder::TreeBuilder;
use crate::tree::events::events;
use crate::tree::{parse_to_nodes, MdNode};

/// How many candidates (newest first) are verified per call at most.
const MAX_ATTEMPTS: usize = 3;

/// Returns the newest of `candidates` (byte offsets of line starts in
/// `text`, ascending) at which `text` can be split into two independently
/// rendered halves, or `None`.
pub(crate) fn best_split(text: &str, candidates: &[usize]) -> Option<usize> {
    let (blocks, whole) = parse_with_top_level_ranges(text);
    candidates
        .iter()
        .rev()
        .copied()
        .filter(|split| starts_new_top_level_block(text, &blocks, *split))
        .take(MAX_ATTEMPTS)
        .find(|split| halves_render_like_whole(text, *split, &whole))
}

/// Parses `text`, returning the byte ranges of its top-level blocks and its tree.
fn parse_with_top_level_ranges(text: &str) -> (Vec<Range<usize>>, Vec<MdNode>) {
    let mut blocks = Vec::new();
    let mut builder = TreeBuilder::new();
    let mut depth = 0usize;
    for (event, range) in events(text) {
        match &event {
            Event::Start(_) => {
                if depth == 0 {
                    blocks.push(range);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => blocks.push(range),
            _ => {}
        }
        builder.push_event(event);
    }
    (blocks, builder.finish())
}

/// True when no top-level block crosses `split` and one begins on the line
/// that starts at `split`.
fn starts_new_top_level_block(text: &str, blocks: &[Range<usize>], split: usize) -> bool {
    let line_end = text[split..].find('\n').map_or(text.len(), |i| split + i);
    let crosses = blocks.iter().any(|b| b.start < split && b.end > split);
    let begins_here = blocks
        .iter()
        .any(|b| b.start >= split && b.start <= line_end);
    !crosses && begins_here
}

/// True when rendering the halves separately gives the same tree as the whole.
fn halves_render_like_whole(text: &str, split: usize, whole: &[MdNode]) -> bool {
    let mut halves = parse_to_nodes(&text[..split]);
    halves.extend(parse_to_nodes(&text[split..]));
    halves == whole
}

#[cfg(test)]
mod tests {
    use super::best_split;

    #[test]
    fn splits_between_paragraphs() {
        let text = "one\n\ntwo\n";
        assert_eq!(best_split(text, &[5]), Some(5));
    }

    #[test]
    fn refuses_to_split_a_loose_list() {
        let text = "- a\n\n- b\n";
        assert_eq!(best_split(text, &[5]), None);
    }

    #[test]
    fn refuses_to_split_inside_a_fence() {
        let text = "```\na\n\nb\n";
        assert_eq!(best_split(text, &[7]), None);
    }
}
