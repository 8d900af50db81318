//! The incremental-rendering invariant for the cases where later text can change how earlier
//! text reads: a setext underline, a table delimiter row, lazy continuation, a list that
//! continues after a blank line, link reference definitions that arrive after their use, plus
//! fenced code and math. Each case, alone and inside generated documents, is streamed at every
//! two-piece split, char by char and in random chunks, and the final blocks must render exactly
//! like a one-shot parse of the whole. Also: finished text is never tail-completed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sluice_markdown::{
    complete_tail, merge_blocks, parse_to_nodes, to_html, Block, IncrementalMarkdown,
};

use crate::markdown::{assert_freezing_exercised, char_deltas, check_all_splits, StreamStats};

/// Texts whose early part is changed (or could be) by a later line.
const LATE_CHANGES: &[&str] = &[
    // Setext underline: the paragraph becomes a heading when `===` / `---` arrives.
    "Intro.\n\nTitle line\n===\n\nAfter.\n",
    "Intro.\n\nTwo line\nheading\n---\n\nAfter.\n",
    // Table delimiter row: the header line is a paragraph until the delimiter row comes.
    "Intro.\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\nAfter.\n",
    "a | b\n--|--\n1 | 2\n\ntext\n",
    // Lazy continuation of a quote and of a list item.
    "> quoted\nlazy line\n\nAfter.\n",
    "- item\nlazy line\n\nAfter.\n",
    // Lists continuing after blank lines (loose lists), with nested content.
    "- a\n\n- b\n\n\n- c\n\nAfter.\n",
    "1. one\n\n   more one\n\n2. two\n\nAfter.\n",
    "- a\n\n  - nested\n\n- b\n\nAfter.\n",
    // Link reference definitions after their use, a later duplicate that must lose, a
    // definition inside a list, and an image by reference.
    "See [the docs][d] and [D].\n\nMore text.\n\n[d]: https://docs.example \"Docs\"\n",
    "[x] first.\n\nPara.\n\n[x]: /one\n\nPara [x].\n\n[x]: /two\n",
    "Use [ref].\n\n- item\n\n  [ref]: https://list.example\n\nEnd.\n",
    "![pic][img]\n\ntext\n\n[img]: https://img.example/p.png\n",
    "[a][b] and [b]\n\n[b]: /bee\n\n[a]: /ay\n",
    // Fenced code with blank lines, and an unclosed fence at the end.
    "Code:\n\n```rust\nfn a() {}\n\n\nfn b() {}\n```\n\nAfter.\n",
    "Text.\n\n~~~\nunclosed\n\nstill code\n",
    // Math: display blocks over several lines and inline math with emphasis-like content.
    "Energy:\n\n$$\nE = mc^2\n$$\n\nand $a*b*c$ inline.\n",
    "$$x_1 *y* z$$\n\n$5 and $6, $\\alpha$.\n",
];

/// A document of `parts` random pieces: [`LATE_CHANGES`] cases and plain paragraphs.
fn generated_document(rng: &mut StdRng, parts: usize) -> String {
    let mut doc = String::new();
    for index in 0..parts {
        if rng.random_bool(0.6) {
            doc.push_str(LATE_CHANGES[rng.random_range(0..LATE_CHANGES.len())]);
        } else {
            doc.push_str(&format!(
                "Paragraph {index} with **bold** and [a link][d].\n"
            ));
        }
        doc.push_str(["\n", "\n\n", ""][rng.random_range(0..3)]);
    }
    doc
}

#[test]
fn late_changes_render_like_the_whole_at_every_split() {
    let mut rng = StdRng::seed_from_u64(61);
    let mut total = StreamStats::default();
    for text in LATE_CHANGES {
        let stats = check_all_splits(text, &mut rng, 8);
        total.streams += stats.streams;
        total.split_streams += stats.split_streams;
    }
    assert_freezing_exercised(&total, 0.5);
}

#[test]
fn generated_documents_render_like_the_whole_at_every_split() {
    let mut rng = StdRng::seed_from_u64(62);
    let mut total = StreamStats::default();
    for round in 0..40 {
        let doc = generated_document(&mut rng, 2 + round % 5);
        let stats = check_all_splits(&doc, &mut rng, 4);
        total.streams += stats.streams;
        total.split_streams += stats.split_streams;
    }
    assert_freezing_exercised(&total, 0.5);
}

/// Streams `text` char by char and returns the blocks a view shows at the end.
fn final_blocks(text: &str) -> Vec<Block> {
    let mut markdown = IncrementalMarkdown::new();
    let mut blocks = Vec::new();
    for delta in char_deltas(text) {
        let update = markdown.push(delta);
        merge_blocks(&mut blocks, update);
    }
    let update = markdown.finish();
    merge_blocks(&mut blocks, update);
    blocks
}

#[test]
fn a_definition_arriving_later_re_renders_the_block_that_used_it() {
    let text = "Read [the guide][g].\n\nMore.\n\nEven more.\n\n[g]: https://guide.example\n";
    let mut markdown = IncrementalMarkdown::new();
    let mut shown: Vec<Block> = Vec::new();
    let first = markdown.push("Read [the guide][g].\n\nMore.\n");
    assert_eq!(first.len(), 1);
    assert!(
        to_html(&parse_to_nodes(&first[0].source)).contains("[the guide][g]"),
        "no definition yet: literal text"
    );
    merge_blocks(&mut shown, first);
    merge_blocks(
        &mut shown,
        markdown.push("\nEven more.\n\n[g]: https://guide.example\n"),
    );
    let last = markdown.finish();
    let revision = last
        .iter()
        .find(|b| b.replaces.is_some())
        .expect("the first block is rendered again");
    assert_eq!(revision.replaces, Some(shown[0].id));
    assert_eq!(revision.text(), "Read [the guide][g].\n\n");
    merge_blocks(&mut shown, last);
    let html: String = shown
        .iter()
        .map(|b| to_html(&parse_to_nodes(&b.source)))
        .collect();
    assert_eq!(html, to_html(&parse_to_nodes(text)));
    assert!(html.contains("href=\"https://guide.example\""), "{html}");
}

#[test]
fn finished_text_is_never_completed() {
    // Unclosed syntax at the very end stays raw, exactly as a one-shot render shows it:
    // completion is for the streaming tail only.
    for text in [
        "Cost: **unclosed",
        "Run `cargo",
        "A [link](https://exa",
        "![img](https://img.example/a",
        "~~strike",
        "so $$\\int_0^1",
        "```rust\nfn main() {",
        "| a | b |",
    ] {
        let blocks = final_blocks(text);
        let html: String = blocks
            .iter()
            .map(|b| to_html(&parse_to_nodes(&b.source)))
            .collect();
        assert_eq!(html, to_html(&parse_to_nodes(text)), "{text:?}");
        let joined: String = blocks.iter().map(Block::text).collect();
        assert_eq!(joined, text, "blocks hold the text unchanged");
    }
    // Complete text passes through the tail completer unchanged.
    for done in [
        "A **b** *c* `d` ~~e~~ [f](https://g.example)",
        "Math $x^2$ and $$y$$ and $5.",
        "```\ncode\n```\n",
        "| a |\n| - |\n| 1 |\n",
    ] {
        let completed = complete_tail(done);
        assert_eq!(
            to_html(&parse_to_nodes(&completed)),
            to_html(&parse_to_nodes(done)),
            "{done:?}"
        );
    }
}
