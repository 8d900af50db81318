//! Code blocks and math through the whole Markdown pipeline: highlighting only in finished
//! blocks, math as MathML or as source, prices not math, hostile TeX and code stay inert,
//! streamed renders equal one-shot renders at every split, and a growing code fence is
//! appended to instead of re-rendered.

use rand::rngs::StdRng;
use rand::SeedableRng;
use sluice_markdown::{
    parse_to_nodes, to_html, IncrementalMarkdown, StreamTail, TailUpdate, TailView,
};

use super::markdown::{assert_invariant, char_deltas, check_all_splits};

/// Escaped HTML of `src` rendered in one go.
fn html(src: &str) -> String {
    to_html(&parse_to_nodes(src))
}

#[test]
fn code_blocks_are_highlighted_and_unknown_languages_stay_plain() {
    let out = html("```python\nif x: # c\n    return 'y'\n```");
    assert!(
        out.contains("<span class=\"hl-keyword\">if</span>"),
        "{out}"
    );
    assert!(
        out.contains("<span class=\"hl-comment\"># c</span>"),
        "{out}"
    );
    assert!(
        out.contains("<span class=\"hl-string\">&#39;y&#39;</span>"),
        "{out}"
    );
    let out = html("```made-up\nif x\n```");
    assert_eq!(
        out,
        "<pre><code class=\"language-made-up\">if x\n</code></pre>"
    );
    let out = html("```html\n<script>alert(1)</script>\n```");
    assert!(!out.contains("<script"), "{out}");
    assert!(out.contains("&lt;script"), "{out}");
}

#[test]
fn math_renders_as_mathml_or_falls_back_to_source() {
    let out = html("Euler: $e^{i\\pi} + 1 = 0$.");
    assert!(out.contains("<math><mrow><msup><mi>e</mi>"), "{out}");
    let out = html("\\[\\frac{1}{2}\\]");
    assert!(
        out.contains("<math display=\"block\" displaystyle=\"true\"><mfrac>"),
        "{out}"
    );
    let out = html("See \\(x_1\\) here");
    assert!(out.contains("<msub><mi>x</mi><mn>1</mn></msub>"), "{out}");
    let out = html("$\\href{javascript:alert(1)}{click}$");
    assert!(out.starts_with("<p><code class=\"math-fallback\""), "{out}");
    assert!(!out.contains("<a "), "{out}");
    let out = html("$\\text{<img src=x onerror=alert(1)>}$");
    assert!(
        out.contains("<mtext>&lt;img src=x onerror=alert(1)&gt;</mtext>"),
        "{out}"
    );
}

#[test]
fn prices_in_prose_are_not_math() {
    for text in [
        "It costs $5 and $10.",
        "Between $5-$10 per item",
        "$5, $10, and $20",
        "Pay $20 now.",
    ] {
        let out = html(text);
        assert!(!out.contains("<math"), "{text}: {out}");
        assert!(out.contains('$'), "{text}: {out}");
    }
}

#[test]
fn code_and_math_documents_stream_like_one_shot_at_every_split() {
    let mut rng = StdRng::seed_from_u64(7);
    for doc in [
        "Intro:\n```rust\nfn main() {\n    let s = \"$x$\";\n}\n```\nAfter $a+b$.\n",
        "Sum:\n\n$$\n\\sum_{k=0}^{n} k\n$$\n\nand \\(\\alpha\\) then\n\\[\nx\n\\]\n",
        "- item with $x$\n- and `code`\n\n```js\nconst a = `t`;\n\n\nlet b;\n```\n\n$5 and $10\n",
        "```\nunterminated $x$ \\(y\\)\n\nstill code",
    ] {
        let stats = check_all_splits(doc, &mut rng, 8);
        assert!(stats.streams > 0);
        assert_invariant(doc, &char_deltas(doc));
    }
}

#[test]
fn a_long_growing_fence_is_appended_per_token() {
    let body: String = (0..2000)
        .map(|i| format!("    println!(\"line {i}\");\n"))
        .collect();
    let text = format!("Here:\n\n```rust\nfn main() {{\n{body}}}\n```\n\nDone.\n");
    let mut markdown = IncrementalMarkdown::new();
    let mut tail = StreamTail::default();
    let mut view = TailView::new();
    let (mut appends, mut appended_bytes) = (0usize, 0usize);
    let mut max_append = 0usize;
    for (i, c) in text.char_indices() {
        markdown.push(&text[i..i + c.len_utf8()]);
        markdown.sync_tail(&mut tail);
        if let TailUpdate::Append(more) = view.update(&tail) {
            appends += 1;
            appended_bytes += more.len();
            max_append = max_append.max(more.len());
        }
    }
    // Tens of full renders (the intro, the opening line, the closing fence, the text after),
    // not one per character of the ~60 KB fence.
    assert!(
        view.full_renders() < 60,
        "{} full renders for {} bytes",
        view.full_renders(),
        text.len()
    );
    assert!(appends > 50_000, "{appends} appends");
    assert!(
        appended_bytes > 50_000 && max_append <= 4,
        "{appended_bytes} / {max_append}"
    );
}
