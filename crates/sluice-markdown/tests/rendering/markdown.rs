//! Integration tests for the Markdown module: the incremental-rendering
//! invariant (frozen blocks render exactly like a one-shot parse, at every
//! split of every Markdown-bearing fixture and of generated documents), tail
//! completion (including that it never touches finished text), and the
//! sanitized tree's shape.

use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sluice_markdown::{
    complete_tail, merge_blocks, parse_to_nodes, to_html, Block, ImageSource, IncrementalMarkdown,
    MdNode,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Streams `deltas` through an [`IncrementalMarkdown`], checking on the way
/// that frozen blocks and the tail always add up to the source and that block
/// ids are never reused, and returns the blocks a view shows at the end (new
/// renderings swapped in for the blocks they replace).
fn stream(deltas: &[&str]) -> Vec<Block> {
    let mut markdown = IncrementalMarkdown::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    let mut apply = |blocks: &mut Vec<Block>, update: Vec<Block>| {
        for block in &update {
            assert!(ids.insert(block.id), "block id {} reused", block.id);
            if let Some(old) = block.replaces {
                assert!(
                    blocks.iter().any(|b| b.id == old),
                    "replaces unknown block {old}"
                );
            }
        }
        merge_blocks(blocks, update);
    };
    for delta in deltas {
        let update = markdown.push(delta);
        apply(&mut blocks, update);
        let frozen: String = blocks.iter().map(Block::text).collect();
        assert_eq!(format!("{frozen}{}", markdown.tail()), markdown.source());
    }
    let update = markdown.finish();
    apply(&mut blocks, update);
    assert_eq!(markdown.tail(), "");
    blocks
}

/// Rendering of all blocks, each parsed on its own.
fn render_blocks(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| to_html(&parse_to_nodes(&b.source)))
        .collect()
}

/// Asserts the invariant for one way of cutting `text` into deltas and
/// returns how many blocks the stream produced.
pub(crate) fn assert_invariant(text: &str, deltas: &[&str]) -> usize {
    assert_renders_as(text, &to_html(&parse_to_nodes(text)), deltas)
}

/// [`assert_invariant`] with the one-shot rendering of `text` already made.
pub(crate) fn assert_renders_as(text: &str, expected: &str, deltas: &[&str]) -> usize {
    let blocks = stream(deltas);
    let joined: String = blocks.iter().map(Block::text).collect();
    assert_eq!(joined, text, "blocks must add up to the text");
    let actual = render_blocks(&blocks);
    if actual != expected {
        let sources: Vec<&str> = blocks.iter().map(|b| b.source.as_str()).collect();
        panic!(
            "incremental rendering differs\ntext: {text:?}\ndeltas: {deltas:?}\n\
             blocks: {sources:?}\nexpected: {expected}\nactual:   {actual}"
        );
    }
    blocks.len()
}

/// Counts of streams checked, to prove the tests exercise freezing.
#[derive(Default)]
pub(crate) struct StreamStats {
    /// Streams checked.
    pub(crate) streams: usize,
    /// Streams in which at least one block was frozen before `finish()`.
    pub(crate) split_streams: usize,
}

impl StreamStats {
    /// Records one stream that produced `blocks` blocks.
    fn record(&mut self, blocks: usize) {
        self.streams += 1;
        if blocks > 1 {
            self.split_streams += 1;
        }
    }
}

/// Cuts `text` at random char boundaries into chunks of 1..=max_chunk bytes (about).
pub(crate) fn random_deltas<'a>(text: &'a str, rng: &mut StdRng, max_chunk: usize) -> Vec<&'a str> {
    let mut deltas = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + rng.random_range(1..=max_chunk)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        deltas.push(&text[start..end]);
        start = end;
    }
    deltas
}

/// Every char as its own delta.
pub(crate) fn char_deltas(text: &str) -> Vec<&str> {
    text.char_indices()
        .map(|(i, c)| &text[i..i + c.len_utf8()])
        .collect()
}

/// Checks the invariant for one text: whole, char by char, several random
/// chunkings and every two-piece split (at each char boundary).
pub(crate) fn check_all_splits(text: &str, rng: &mut StdRng, random_rounds: usize) -> StreamStats {
    let expected = to_html(&parse_to_nodes(text));
    let mut stats = StreamStats::default();
    stats.record(assert_renders_as(text, &expected, &[text]));
    stats.record(assert_renders_as(text, &expected, &char_deltas(text)));
    for round in 0..random_rounds {
        let max_chunk = [3, 8, 24, 80][round % 4];
        let deltas = random_deltas(text, rng, max_chunk);
        stats.record(assert_renders_as(text, &expected, &deltas));
    }
    for (split, _) in text.char_indices().skip(1) {
        let halves = [&text[..split], &text[split..]];
        stats.record(assert_renders_as(text, &expected, &halves));
    }
    stats
}

/// Fails unless a reasonable share of the streams actually froze blocks.
pub(crate) fn assert_freezing_exercised(stats: &StreamStats, minimum_share: f64) {
    let share = stats.split_streams as f64 / stats.streams.max(1) as f64;
    eprintln!(
        "{} of {} streams froze blocks early",
        stats.split_streams, stats.streams
    );
    assert!(share >= minimum_share, "freezing share {share} too low");
}

/// Markdown block templates covering the constructs whose freezing is tricky.
const BLOCK_TEMPLATES: &[&str] = &[
    "Plain paragraph with **bold**, *italic*, `code` and ~~strike~~.\nSecond line of it.",
    "# Heading one",
    "## Sub *heading* with `code`",
    "Setext heading\n==============",
    "Another setext\n---",
    "- item one\n- item two\n  continued\n- item three",
    "1. first\n\n2. second\n\n   indented paragraph\n\n3. third",
    "- a\n  - b\n    - c\n- d",
    "- [ ] todo\n- [x] done",
    "3) starts at three\n4) next",
    "```rust\nfn main() {\n\n    println!(\"hi\");\n}\n```",
    "~~~\n```\nnot closed by backticks\n\n~~~",
    "````md\n```\ninner\n```\n\n````",
    "    let x = 1;\n\n    let y = 2;",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |",
    "| Name | Value |\n| --- | :---: |\n| **x** | `y` |",
    "> quote line\n> continues\n>\n> second para",
    "> lazy\ncontinuation",
    "> - quoted list\n>\n>   more",
    "<div>\n<b>bold</b>\n</div>",
    "<!-- a comment\n\nstill comment -->",
    "<script>\nalert(1)\n\n</script>",
    "<table><tr><td>\n\n**md inside html**\n\n</td></tr></table>",
    "---",
    "***",
    "* * *",
    "[link](https://example.com \"title\") and <https://auto.example> and ![img](https://img.example/a.png)",
    "line with two spaces  \nnext line\\\nafter backslash break",
    "日本語の段落 🎉 with émoji and ünïcode",
    "1. item\n\n   ```\n   code in list\n\n   more\n   ```\n2. next",
    "- item\n\n      indented code inside item",
    "para\n    lazy not code",
    "+ plus list\n+ more",
    "- a\n\n* different marker list",
    " - indented bullet\n\n continuation?",
    "\\# escaped heading and \\*stars\\*",
    "  indented paragraph\n\n  with two spaces",
    "Text with [inert](javascript:alert(1)) link and <b>raw</b> html.",
    "10. ten\n11. eleven\n\n\n12. after two blanks",
    "-\n  empty start item",
    "Term\n: definition-like line",
    "a | b\n- | -\n1 | 2",
    "<details>\n<summary>x</summary>\n\nbody\n\n</details>",
    "Inline $x^2 + y^2$ and \\(\\frac{a}{b}\\) math, prices $5 and $10, $5-$10.",
    "$$\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n$$",
    "\\[\n\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}\n\\]",
    "Bad math $\\href{javascript:x}{y}$ stays text",
    "```python\ndef f(x):\n\n    return \"s\"  # c\n```",
    "```json\n{\"k\": [1, true, null]}\n```",
    "```unknown-lang\n<b>x</b>\n```",
];

/// Separators placed between blocks.
const SEPARATORS: &[&str] = &["\n", "\n\n", "\n\n", "\n\n\n", "\n \n", "\n\t\n"];

/// A random document assembled from templates.
fn random_document(rng: &mut StdRng) -> String {
    let blocks = rng.random_range(1..10);
    let mut doc = String::new();
    for _ in 0..blocks {
        doc.push_str(BLOCK_TEMPLATES[rng.random_range(0..BLOCK_TEMPLATES.len())]);
        doc.push_str(SEPARATORS[rng.random_range(0..SEPARATORS.len())]);
    }
    if rng.random_bool(0.2) {
        doc.push_str("```\nunterminated fence\n\nstill code");
    }
    if rng.random_bool(0.15) {
        doc = doc.replace('\n', "\r\n");
    }
    if rng.random_bool(0.3) {
        doc.truncate(doc.trim_end().len());
    }
    doc
}

/// Tokens for fuzz documents: Markdown punctuation, including pieces of link
/// reference definitions and their uses, and `$` math.
const FUZZ_TOKENS: &[&str] = &[
    "*",
    "**",
    "_",
    "`",
    "```",
    "~~~",
    "~~",
    "\n",
    "\n",
    "\n\n",
    "\n\n",
    "- ",
    "1. ",
    "2) ",
    "> ",
    "    ",
    "  ",
    "#",
    "# ",
    "|",
    "| --- |",
    "[",
    "](",
    ")",
    "<",
    ">",
    "a",
    "word ",
    "text ",
    "!",
    "\\",
    "---",
    "===",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    " ",
    "\t",
    "[ ] ",
    "é",
    "🎉",
    "\n    ",
    "\n- ",
    "\n\n- ",
    "\n> ",
    "\n```\n",
    "\n\nword\n",
    "\n\n1. ",
    "\n\n  ",
    "[r]",
    "[R]: /u",
    "\n[r]: https://e.example \"t\"\n",
    "]: ",
    ":",
    "$",
    "$$",
    "\\(",
    "\\)",
    "\\[",
    "\\]",
    "x^2",
    "```py\n",
];

/// A random token soup.
fn fuzz_document(rng: &mut StdRng) -> String {
    let tokens = rng.random_range(1..60);
    (0..tokens)
        .map(|_| FUZZ_TOKENS[rng.random_range(0..FUZZ_TOKENS.len())])
        .collect()
}

// ---------------------------------------------------------------------------
// Invariant tests
// ---------------------------------------------------------------------------

#[test]
fn each_template_alone_and_doubled_keeps_the_invariant() {
    let mut rng = StdRng::seed_from_u64(1);
    for template in BLOCK_TEMPLATES {
        let _ = check_all_splits(template, &mut rng, 4);
        for separator in ["\n", "\n\n"] {
            for other in BLOCK_TEMPLATES {
                let doc = format!("{template}{separator}{other}\n\nafter\n");
                assert_invariant(&doc, &char_deltas(&doc));
            }
        }
    }
}

#[test]
fn generated_documents_keep_the_invariant_for_random_splits() {
    let mut rng = StdRng::seed_from_u64(2);
    let mut total = StreamStats::default();
    for _ in 0..150 {
        let doc = random_document(&mut rng);
        let stats = check_all_splits(&doc, &mut rng, 8);
        total.streams += stats.streams;
        total.split_streams += stats.split_streams;
    }
    assert_freezing_exercised(&total, 0.3);
}

#[test]
fn fuzz_documents_keep_the_invariant() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut total = StreamStats::default();
    for _ in 0..600 {
        let doc = fuzz_document(&mut rng);
        let stats = check_all_splits(&doc, &mut rng, 4);
        total.streams += stats.streams;
        total.split_streams += stats.split_streams;
    }
    assert_freezing_exercised(&total, 0.05);
}

#[test]
fn fixture_texts_keep_the_invariant() {
    let Some(dir) = crate::support::shared_fixtures::shared_path(
        "fixtures/provider-streams",
        "fixture_texts_keep_the_invariant",
    ) else {
        return;
    };
    let mut checked = 0;
    let mut rng = StdRng::seed_from_u64(4);
    for path in sidecar_paths(&dir) {
        let Some(text) = expected_text(&path) else {
            continue;
        };
        let stats = check_all_splits(&text, &mut rng, 12);
        eprintln!(
            "{}: {} of {} streams froze blocks early",
            path.display(),
            stats.split_streams,
            stats.streams
        );
        checked += 1;
    }
    assert!(checked > 0, "no fixture with a non-empty expected_text");
    eprintln!("checked {checked} fixture texts");
}

/// All `*.json` sidecars in the directory and its `nonraw/` subdirectory.
fn sidecar_paths(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut paths = Vec::new();
    for folder in [dir.to_path_buf(), dir.join("nonraw")] {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

/// The sidecar's non-empty `expected_text`, if any.
fn expected_text(path: &Path) -> Option<String> {
    let raw = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&raw).ok()?;
    let text = json.get("expected_text")?.as_str()?;
    (!text.is_empty()).then(|| text.to_string())
}

#[test]
fn finished_blocks_are_frozen_early_so_the_tail_stays_small() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut doc = String::new();
    for index in 0..2000 {
        doc.push_str(&format!(
            "Paragraph {index} with **bold** text and a [link](https://example.com/{index}).\n\n"
        ));
        if index % 50 == 0 {
            doc.push_str("```\ncode\n\nwith blank line\n```\n\n- a\n- b\n\n");
        }
    }
    let mut markdown = IncrementalMarkdown::new();
    let mut blocks = 0;
    let mut largest_tail = 0;
    for delta in random_deltas(&doc, &mut rng, 12) {
        blocks += markdown.push(delta).len();
        largest_tail = largest_tail.max(markdown.tail().len());
    }
    assert!(blocks > 1900, "only {blocks} blocks were frozen");
    assert!(largest_tail < 400, "tail grew to {largest_tail} bytes");
}

#[test]
fn a_paragraph_is_frozen_once_the_next_block_line_is_complete() {
    let mut markdown = IncrementalMarkdown::new();
    assert!(markdown.push("First paragraph.\n\n").is_empty());
    assert!(
        markdown.push("Second").is_empty(),
        "the next line is incomplete"
    );
    let blocks = markdown.push(" paragraph.\n");
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].source, "First paragraph.\n\n");
    assert_eq!(markdown.tail(), "Second paragraph.\n");
}

#[test]
fn fenced_code_with_blank_lines_is_not_split() {
    let mut markdown = IncrementalMarkdown::new();
    let frozen = markdown.push("```\nline one\n\nline two\n\nline three\n");
    assert!(frozen.is_empty());
    let frozen = markdown.push("```\n\nAfter.\n");
    assert_eq!(frozen.len(), 1);
    assert!(frozen[0].source.starts_with("```\nline one"));
}

#[test]
fn a_loose_list_stays_together() {
    let mut markdown = IncrementalMarkdown::new();
    assert!(markdown.push("- a\n\n- b\n\n  more b\n\n- c\n").is_empty());
    let frozen = markdown.push("\nDone.\n");
    assert_eq!(frozen.len(), 1);
    assert_eq!(frozen[0].source, "- a\n\n- b\n\n  more b\n\n- c\n\n");
}

#[test]
fn finish_returns_the_tail_and_nothing_twice() {
    let mut markdown = IncrementalMarkdown::new();
    markdown.push("Only **one** line");
    let last = markdown.finish();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].source, "Only **one** line");
    assert!(markdown.finish().is_empty());
    assert!(IncrementalMarkdown::new().finish().is_empty());
}

// ---------------------------------------------------------------------------
// complete_tail
// ---------------------------------------------------------------------------

/// Rendering of a completed tail.
fn render_tail(tail: &str) -> String {
    to_html(&parse_to_nodes(&complete_tail(tail)))
}

#[test]
fn tail_unclosed_backtick_fence_renders_as_code() {
    assert_eq!(
        complete_tail("```rust\nfn main() {"),
        "```rust\nfn main() {\n```"
    );
    assert_eq!(
        render_tail("```rust\nfn main() {"),
        "<pre><code class=\"language-rust\"><span class=\"hl-keyword\">fn</span> \
         <span class=\"hl-function\">main</span>() {\n</code></pre>"
    );
}

#[test]
fn tail_unclosed_tilde_fence_renders_as_code() {
    assert_eq!(complete_tail("~~~\nx = 1\n"), "~~~\nx = 1\n~~~");
}

#[test]
fn tail_half_typed_closing_fence_does_not_flash() {
    assert_eq!(
        render_tail("```\ncode\n``"),
        "<pre><code>code\n</code></pre>"
    );
}

#[test]
fn tail_unclosed_bold() {
    assert_eq!(complete_tail("Some **bold"), "Some **bold**");
    assert_eq!(
        render_tail("Some **bold"),
        "<p>Some <strong>bold</strong></p>"
    );
}

#[test]
fn tail_unclosed_star_italic() {
    assert_eq!(render_tail("Some *it"), "<p>Some <em>it</em></p>");
}

#[test]
fn tail_unclosed_underscore_italic() {
    assert_eq!(render_tail("Some _it"), "<p>Some <em>it</em></p>");
    assert_eq!(render_tail("snake_case"), "<p>snake_case</p>");
}

#[test]
fn tail_unclosed_inline_code() {
    assert_eq!(
        render_tail("Run `cargo te"),
        "<p>Run <code>cargo te</code></p>"
    );
}

#[test]
fn tail_unclosed_strikethrough() {
    assert_eq!(render_tail("Was ~~wrong"), "<p>Was <del>wrong</del></p>");
}

#[test]
fn tail_dangling_openers_are_dropped() {
    assert_eq!(render_tail("Some **"), "<p>Some</p>");
    assert_eq!(render_tail("Some `"), "<p>Some</p>");
    assert_eq!(render_tail("Some ~~"), "<p>Some</p>");
    assert_eq!(
        render_tail("Some **bold*"),
        "<p>Some <strong>bold</strong></p>"
    );
}

#[test]
fn tail_link_with_partial_url_shows_only_its_text() {
    assert_eq!(
        render_tail("See [the docs](http://partial"),
        "<p>See the docs</p>"
    );
    assert_eq!(render_tail("See [the docs]("), "<p>See the docs</p>");
    // First on its line, the link's text does not move right into code or a list item.
    assert_eq!(
        render_tail("Intro\n\n [   the docs](http://par"),
        "<p>Intro</p><p>the docs</p>"
    );
    assert_eq!(
        complete_tail("- a\n\n [   b]"),
        "- a\n\n b",
        "the spaces inside the brackets go with the brackets"
    );
}

#[test]
fn tail_cut_syntax_never_empties_a_line() {
    // `- ` alone under a paragraph would make it a setext heading; the item stays an item.
    assert_eq!(
        render_tail("Intro\n- ![a cat](https://ca"),
        "<p>Intro</p><ul><li>\u{200B}</li></ul>"
    );
    // `1.` alone cannot interrupt a paragraph: the item being typed stays an item.
    assert_eq!(
        render_tail("Intro\n1. [\nlink text"),
        "<p>Intro</p><ol><li>\u{200B}\nlink text</li></ol>"
    );
    // A bracket alone on its line does not split the paragraph in two.
    assert_eq!(
        render_tail("Intro\n[\nlink text"),
        "<p>Intro\n\u{200B}\nlink text</p>"
    );
}

#[test]
fn tail_link_text_being_typed_drops_the_bracket() {
    assert_eq!(render_tail("See [the do"), "<p>See the do</p>");
}

#[test]
fn tail_image_being_typed_is_hidden() {
    assert_eq!(render_tail("Look ![a cat](https://cats.exa"), "<p>Look</p>");
    assert_eq!(render_tail("Look ![a c"), "<p>Look</p>");
}

#[test]
fn tail_complete_constructs_are_unchanged() {
    let finished = "A **b** *c* `d` ~~e~~ [f](https://g.example) ![h](https://i.example/j.png)";
    assert_eq!(complete_tail(finished), finished);
}

#[test]
fn tail_nested_constructs_close_in_order() {
    assert_eq!(
        render_tail("**bold and `code"),
        "<p><strong>bold and <code>code</code></strong></p>"
    );
    assert_eq!(
        render_tail("- item with *it"),
        "<ul>\n<li>item with <em>it</em></li>\n</ul>"
            .replace('\n', "")
            .as_str()
    );
}

/// Sample answer with no literal Markdown punctuation in its visible text.
const FLASH_SAMPLE: &str = "Intro with **bold words** and *some italics* and _more_ plus \
`inline code` and ~~old~~ text, a [link text](https://example.com/path?q=1) and \
![alt text](https://img.example/x.png) end.\n\nNext paragraph **again** done.";

#[test]
fn no_raw_markers_flash_while_streaming() {
    for (end, _) in FLASH_SAMPLE.char_indices().skip(1) {
        let html = render_tail(&FLASH_SAMPLE[..end]);
        let visible = strip_tags_and_code(&html);
        for marker in ['*', '_', '`', '~', '[', ']', '(', ')'] {
            assert!(
                !visible.contains(marker),
                "raw {marker:?} visible for prefix {:?}: {html}",
                &FLASH_SAMPLE[..end]
            );
        }
    }
}

#[test]
fn a_table_being_typed_shows_no_raw_pipes() {
    let table = "Intro.\n\n| Name | **Value** |\n|:--|--:|\n| a | `1` |\n| b | 2 |";
    for (end, _) in table.char_indices().skip("Intro.\n\n".len()) {
        let html = render_tail(&table[..end]);
        let visible = strip_tags_and_code(&html);
        assert!(
            !visible.contains('|') && !visible.contains('-'),
            "raw table syntax visible for prefix {:?}: {html}",
            &table[..end]
        );
    }
}

/// Visible text of rendered HTML, without tags and without `<code>` content.
fn strip_tags_and_code(html: &str) -> String {
    let mut visible = String::new();
    let mut rest = html;
    let mut in_code = false;
    while let Some(open) = rest.find('<') {
        if !in_code {
            visible.push_str(&rest[..open]);
        }
        let close = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
        let tag = &rest[open..close];
        if tag.starts_with("<code") {
            in_code = true;
        } else if tag == "</code>" {
            in_code = false;
        }
        rest = &rest[close..];
    }
    visible.push_str(rest);
    visible
}

// ---------------------------------------------------------------------------
// Tree shape and HTML rendering
// ---------------------------------------------------------------------------

#[test]
fn raw_html_is_shown_as_text() {
    let html = to_html(&parse_to_nodes(
        "<div onclick=\"x()\">hi</div>\n\nA <b>bold</b> word.",
    ));
    assert_eq!(
        html,
        "<pre class=\"raw-html\">&lt;div onclick=&quot;x()&quot;&gt;hi&lt;/div&gt;\n</pre>\
         <p>A &lt;b&gt;bold&lt;/b&gt; word.</p>"
    );
}

#[test]
fn links_get_safe_attributes_and_inert_links_are_spans() {
    assert_eq!(
        to_html(&parse_to_nodes(
            "[a](https://x.example \"T\") [b](javascript:alert(1))"
        )),
        "<p><a href=\"https://x.example\" title=\"T\" rel=\"noopener noreferrer\" \
         target=\"_blank\">a</a> <span class=\"inert-link\">b</span></p>"
    );
}

#[test]
fn email_autolinks_become_mailto() {
    let nodes = parse_to_nodes("<someone@example.com>");
    let html = to_html(&nodes);
    assert!(
        html.contains("href=\"mailto:someone@example.com\""),
        "{html}"
    );
}

#[test]
fn remote_images_become_click_to_load_buttons() {
    let nodes = parse_to_nodes("![cat](https://User@Cats.Example:443/c.png?x=SECRET)");
    let MdNode::Element { children, .. } = &nodes[0] else {
        panic!("expected a paragraph: {nodes:?}");
    };
    assert_eq!(
        children[0],
        MdNode::Image {
            alt: "cat".to_string(),
            source: ImageSource::ClickToLoad {
                url: "https://User@Cats.Example:443/c.png?x=SECRET".to_string(),
                host: "cats.example".to_string(),
            },
        }
    );
    assert_eq!(
        to_html(&nodes),
        "<p><button type=\"button\" class=\"load-image\">Load image from cats.example</button></p>"
    );
}

#[test]
fn inline_raster_images_render_as_img() {
    let html = to_html(&parse_to_nodes(
        "![dot](data:image/png;base64,iVBORw0KGgo=)",
    ));
    assert_eq!(
        html,
        "<p><img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\"></p>"
    );
}

#[test]
fn tables_tasks_and_code_render() {
    let html = to_html(&parse_to_nodes(
        "| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n- [x] done\n\n```rust\nlet x;\n```",
    ));
    assert_eq!(
        html,
        "<table><thead><tr><th class=\"align-center\">a</th><th class=\"align-right\">b</th>\
         </tr></thead><tbody><tr><td class=\"align-center\">1</td><td class=\"align-right\">2\
         </td></tr></tbody></table><ul><li><input type=\"checkbox\" disabled checked>done</li>\
         </ul><pre><code class=\"language-rust\"><span class=\"hl-keyword\">let</span> x;\n\
         </code></pre>"
    );
}

#[test]
fn deep_nesting_is_bounded_and_fast() {
    let quotes = "> ".repeat(5000) + "deep";
    let html = to_html(&parse_to_nodes(&quotes));
    assert!(html.contains("deep"));
    let brackets = "[".repeat(20000) + &"*a ".repeat(20000);
    let _ = to_html(&parse_to_nodes(&brackets));
    let healed = complete_tail(&brackets);
    assert!(!healed.contains('['));
    let stars = "*a _b ".repeat(20000);
    let _ = complete_tail(&stars);
    let lists = "- ".repeat(3000) + "x";
    let _ = to_html(&parse_to_nodes(&lists));
}
