//! Open containers in the streaming tail: a list or table at the end of the tail keeps its
//! finished items/rows and re-renders only the one being written. At every update of every
//! stream (char by char and in random chunks) what the view shows must equal a full parse of
//! the completed tail; and a long list or table must cost a bounded number of full renders.

use crate::markdown::{char_deltas, random_deltas};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sluice::markdown::{
    assemble, complete_tail, parse_to_nodes, ContainerShell, IncrementalMarkdown, MdNode,
    StreamTail, TailUpdate, TailView,
};

/// Lists and tables in the shapes models write, plus the lines that end or break them.
const CASES: &[&str] = &[
    "Here are the steps:\n1. **Install** the tool.\n2. Run `make run`.\n3. Open the page.\n",
    "- alpha\n- beta with *emphasis*\n- gamma [link](https://example.com)\n",
    "* one\n* two\n\n* three (loose from here)\n* four\n",
    "1. first\n\n   second paragraph of one\n2. two\n3. three\n",
    "- a\n  - nested a\n  - nested b\n\n  - nested loose\n- b\n- c\n",
    "- [ ] todo\n- [x] done\n- plain\n",
    "7. seven\n8. eight\n9. nine\n10. ten\n11. eleven\n",
    "1) paren\n2) list\n3. dot list\n",
    "- dash\n+ plus\n* star\n",
    "- a\n- b\n---\nafter rule\n",
    "- a\n- b\n- - -\n- c\n",
    "- a\nlazy continuation\n- b\n",
    "- a\n - one space\n-  two spaces\n- b\n",
    "1. Install:\n   ```bash\n   cargo install x\n\n   echo done\n   ```\n2. Then run:\n   ```\n   make run\n",
    "- item with [ref]\n- [ref]: https://defined.example\n- c\n",
    "- a\n\n\n- b after two blanks\n- c\n",
    "-\n- empty first\n-\n",
    "- a\n# heading ends it\n",
    "Intro\n\n| Name | Value |\n|:-----|------:|\n| a | 1 |\n| b **bold** | 2 |\n| c | `x` |\n",
    "| a | b |\n|---|---|\n| 1 | 2 | 3 |\n| only one |\n| \\| escaped | x |\n",
    "| h |\n|---|\n| r1 |\n\nafter table\n",
    "| h | i |\n|---|---|\n| r1 | x |\n# heading after\n",
    "Text before\n| x | y |\n| - | - |\n| 1 | 2 |\n",
    "- a $x^2$ and\n- $$y$$\n- c\n",
];

/// What the view shows, rebuilt from the updates exactly as the component applies them.
#[derive(Default)]
struct Shown {
    /// The tail's nodes before any open block.
    nodes: Vec<MdNode>,
    /// The open container: its element, finished children, live child.
    container: Option<(ContainerShell, Vec<MdNode>, Vec<MdNode>)>,
    /// Whether an open code block is being appended to (checked elsewhere).
    open_code: bool,
}

impl Shown {
    /// Applies one update.
    fn apply(&mut self, update: TailUpdate) {
        match update {
            TailUpdate::Render(render) => {
                self.nodes = render.nodes;
                self.open_code = render.open_code.is_some();
                self.container = render
                    .open_container
                    .map(|open| (open.shell, open.closed, open.live));
            }
            TailUpdate::Container(step) => {
                let (_, closed, live) = self
                    .container
                    .as_mut()
                    .expect("container updates only in open mode");
                closed.extend(step.closed);
                *live = step.live;
            }
            TailUpdate::Append(_) | TailUpdate::Unchanged => {}
        }
    }

    /// The full node list the view shows (None while a code block is appended to).
    fn nodes(&self) -> Option<Vec<MdNode>> {
        if self.open_code {
            return None;
        }
        let mut nodes = self.nodes.clone();
        if let Some((shell, closed, live)) = &self.container {
            nodes.push(assemble(shell, closed, live));
        }
        Some(nodes)
    }
}

/// Counts from one stream.
#[derive(Debug, Default)]
struct Counts {
    /// Full renders of the tail.
    full_renders: u64,
    /// Container updates (append/live only).
    container_updates: u64,
}

/// What a full parse shows for the tail: completed, behind the answer's definitions when it
/// may use their labels.
fn expected_tail(tail: &StreamTail) -> Vec<MdNode> {
    let completed = complete_tail(tail.text());
    if !tail.definitions().is_empty() && tail.text().contains(']') {
        parse_to_nodes(&format!("{}{completed}", tail.definitions()))
    } else {
        parse_to_nodes(&completed)
    }
}

/// Streams `text` in `deltas`, checking what is shown against a full parse after each one.
fn stream_checking(text: &str, deltas: &[&str]) -> Counts {
    let mut markdown = IncrementalMarkdown::new();
    let mut tail = StreamTail::default();
    let mut view = TailView::new();
    let mut shown = Shown::default();
    let mut counts = Counts::default();
    let mut fed = String::new();
    for delta in deltas {
        fed.push_str(delta);
        markdown.push(delta);
        markdown.sync_tail(&mut tail);
        let update = view.update(&tail);
        if matches!(update, TailUpdate::Container(_)) {
            counts.container_updates += 1;
        }
        shown.apply(update);
        if let Some(nodes) = shown.nodes() {
            let expected = expected_tail(&tail);
            assert_eq!(
                nodes,
                expected,
                "shown tail differs from a full parse after {:?} of {:?}\ntail: {:?}",
                fed.len(),
                text,
                tail.text()
            );
        }
    }
    counts.full_renders = view.full_renders();
    counts
}

#[test]
fn every_update_of_a_streamed_list_or_table_shows_the_full_parse() {
    let mut rng = StdRng::seed_from_u64(11);
    for case in CASES {
        stream_checking(case, &char_deltas(case));
        for _ in 0..5 {
            stream_checking(case, &random_deltas(case, &mut rng, 12));
        }
    }
}

#[test]
fn generated_documents_show_the_full_parse_at_every_update() {
    let mut rng = StdRng::seed_from_u64(12);
    for _ in 0..60 {
        let mut doc = String::new();
        for _ in 0..rng.random_range(2..6) {
            doc.push_str(CASES[rng.random_range(0..CASES.len())]);
            doc.push_str(["", "\n", "Some text.\n", "\n\nPara.\n\n"][rng.random_range(0..4)]);
        }
        stream_checking(&doc, &char_deltas(&doc));
    }
}

/// The shapes of long containers, `n` items/rows long.
fn long_container(shape: &str, n: usize) -> String {
    match shape {
        "tight list" => {
            let items: String = (1..=n)
                .map(|i| format!("{i}. Item number {i} with **bold** text and `code`.\n"))
                .collect();
            format!("Intro:\n{items}")
        }
        "loose list" => (1..=n)
            .map(|i| format!("- Point {i}: a sentence of several words.\n\n"))
            .collect(),
        "nested list" => (1..=n)
            .map(|i| format!("- Topic {i}\n  - detail one\n  - detail two\n"))
            .collect(),
        _ => {
            let mut table = String::from("| # | Name | Notes |\n|--:|:-----|-------|\n");
            table.extend((1..=n).map(|i| format!("| {i} | name {i} | some *notes* |\n")));
            table
        }
    }
}

#[test]
fn a_long_list_or_table_is_not_re_rendered_per_token() {
    for shape in ["tight list", "loose list", "nested list", "table"] {
        let short = long_container(shape, 30);
        let long = long_container(shape, 300);
        let short_counts = stream_checking(&short, &char_deltas(&short));
        let long_counts = stream_checking(&long, &char_deltas(&long));
        // Full renders happen only while the container opens (its first line or header) —
        // ten times the items cost not one more — and every later token is a container update.
        assert_eq!(
            short_counts.full_renders, long_counts.full_renders,
            "{shape}: {short_counts:?} vs {long_counts:?}"
        );
        assert!(long_counts.full_renders < 64, "{shape}: {long_counts:?}");
        assert!(
            long_counts.container_updates > long.len() as u64 / 2,
            "{shape}: {long_counts:?}"
        );
    }
}

#[test]
fn a_label_in_the_streaming_tail_links_once_its_definition_is_frozen() {
    let text = "[docs]: https://docs.example \"Docs\"\n\nIntro.\n\nSee [docs] for\n- an item with [docs]\n- and more";
    let counts = stream_checking(text, &char_deltas(text));
    assert!(counts.full_renders > 0);

    let mut markdown = IncrementalMarkdown::new();
    let mut tail = StreamTail::default();
    let mut view = TailView::new();
    markdown.push(text);
    markdown.sync_tail(&mut tail);
    let TailUpdate::Render(render) = view.update(&tail) else {
        panic!("a fresh tail is rendered whole");
    };
    let links = format!("{:?}", render.nodes);
    assert_eq!(
        links
            .matches("Link { href: Some(\"https://docs.example\")")
            .count(),
        2,
        "both uses link: {links}"
    );
}
