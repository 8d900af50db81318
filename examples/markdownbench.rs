//! `make bench` figures for streamed Markdown (native release build; the browser runs the
//! same code compiled to wasm, typically 1.5–3× slower):
//!
//! * the growing code fence: time per token of the tail update (freezer + `StreamTail` sync +
//!   `TailView`) at several fence lengths, against the previous approach (complete and
//!   re-parse the whole tail per token);
//! * what bounds the rest of the tail: per-token cost of a long list, table, paragraph and quote at
//!   two lengths (all stay open and append; a paragraph in settled segments);
//! * the highlighter (µs per KiB, per language) and the TeX converter (µs per formula).
//!
//! Usage: `cargo run --release --no-default-features --features ssr --example markdownbench
//! -- --out BENCHMARKS.md [--fence-kib 8,32,128,512]`.

mod bench_support;

use std::time::Instant;

use sluice::markdown::highlight::highlight;
use sluice::markdown::math::tex_to_mathml;
use sluice::markdown::{
    complete_tail, parse_to_nodes, IncrementalMarkdown, StreamTail, TailUpdate, TailView,
};

/// Bytes per streamed token (a typical LLM token is about four characters).
const TOKEN_BYTES: usize = 4;

fn main() -> Result<(), String> {
    let mut out = "BENCHMARKS.md".to_string();
    let mut sizes: Vec<usize> = vec![8, 32, 128, 512];
    for (name, value) in bench_support::option_pairs()? {
        match name.as_str() {
            "--out" => out = value,
            "--fence-kib" => sizes = bench_support::number_list(&value, "fence size")?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    let mut body = String::from("## Streamed Markdown (`examples/markdownbench.rs`)\n\n");
    body.push_str("Written by `make bench` (`cargo run --release --no-default-features --features ssr --example markdownbench -- --out BENCHMARKS.md`). Native release build; the browser runs the same code as wasm.\n\n");
    body.push_str(&format!("- Machine: {}\n\n", bench_support::machine()));
    body.push_str(&fence_section(&sizes));
    body.push_str(&tail_bound_section());
    body.push_str(&highlight_section());
    body.push_str(&math_section());
    print!("{body}");
    bench_support::write_section(&out, "markdownbench", &body)
}

/// A Rust code block body of about `bytes` bytes.
fn code_body(bytes: usize) -> String {
    let line = "    let value = compute(input, 42); // a comment\n";
    line.repeat(bytes / line.len() + 1)
}

/// Streams `text` in 4-byte tokens through the freezer, the tail sync and the view model;
/// returns (mean and p99 µs per token over the whole stream, full renders, appends). The mean, not a
/// window: growing strings reallocate (amortized constant per byte), and a window that
/// happens to hold a doubling of a 512 KiB buffer would show that copy, not the trend.
fn stream_tail_updates(text: &str) -> (f64, f64, u64, usize) {
    let mut markdown = IncrementalMarkdown::new();
    let mut tail = StreamTail::default();
    let mut view = TailView::new();
    let cuts: Vec<usize> = (0..text.len())
        .step_by(TOKEN_BYTES)
        .filter(|i| text.is_char_boundary(*i))
        .chain([text.len()])
        .collect();
    let mut appends = 0;
    let mut times = Vec::with_capacity(cuts.len());
    for pair in cuts.windows(2) {
        let start = Instant::now();
        markdown.push(&text[pair[0]..pair[1]]);
        markdown.sync_tail(&mut tail);
        if let TailUpdate::Append(_) | TailUpdate::Container(_) = view.update(&tail) {
            appends += 1;
        }
        times.push(start.elapsed().as_secs_f64() * 1e6);
    }
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    times.sort_by(f64::total_cmp);
    let p99 = bench_support::percentile(&times, 99.0);
    (mean, p99, view.full_renders(), appends)
}

/// Time (µs) of the previous per-token work at a tail of this text: complete and parse it all.
fn full_reparse_us(tail: &str) -> f64 {
    let rounds = 20;
    let start = Instant::now();
    let mut nodes = 0;
    for _ in 0..rounds {
        nodes += parse_to_nodes(&complete_tail(tail)).len();
    }
    assert!(nodes > 0);
    start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds)
}

/// The growing fence table.
fn fence_section(sizes: &[usize]) -> String {
    let mut s = String::from("### A growing code fence\n\nAn answer that is one long ```` ```rust ```` block, streamed in 4-byte tokens. *Append mode* = this code: per token, the freezer, the `StreamTail` sync and the `TailView` look only at the new bytes and the view appends them to one DOM text node. *Re-parse* = the previous approach: complete and parse the whole tail per token (DOM rebuild not included). Goal: the per-token cost does not grow with the fence.\n\n");
    s.push_str("| fence length | tokens | full renders | appends | **append mode µs/token** mean / p99 | re-parse µs/token at that length |\n|---:|---:|---:|---:|---:|---:|\n");
    for &kib in sizes {
        let text = format!("```rust\n{}", code_body(kib * 1024));
        let (mean, p99, renders, appends) = stream_tail_updates(&text);
        let reparse = full_reparse_us(&text);
        s.push_str(&format!(
            "| {kib} KiB | {} | {renders} | {appends} | **{mean:.2} / {p99:.2}** | {reparse:.0} |\n",
            text.len() / TOKEN_BYTES
        ));
    }
    s.push('\n');
    s
}

/// Makes a block of `n` items (rows, sentences).
type Generator = dyn Fn(usize) -> String;

/// Per-token cost of the long blocks that stay in the tail, at two lengths.
fn tail_bound_section() -> String {
    let mut s = String::from("### What bounds the rest of the tail\n\nEvery top-level block is frozen once a blank line and the next block's first line follow it, so the tail is the last block. A list, table, paragraph or block quote there is kept *open*: finished items/rows (a paragraph's settled segments, cut before a space once nothing in them can pair with later text; a quote's finished content blocks) are parsed once and appended to the DOM, only the item, row or segment being written is re-parsed per token (a lazy line, a definition, another block or a change of looseness renders the tail whole again). Streamed in 4-byte tokens (freezer + tail sync + `TailView`, DOM not included); *re-parse* = the previous approach, complete and parse the whole tail once at the final length.\n\n| last block | size | tokens | full renders | incremental updates | **µs/token** mean / p99 | re-parse µs/update at that size |\n|---|---:|---:|---:|---:|---:|---:|\n");
    let list = |n: usize| -> String {
        (0..n)
            .map(|i| format!("{}. item {i} with **bold** and `code`\n", i + 1))
            .collect()
    };
    let loose = |n: usize| -> String {
        (0..n)
            .map(|i| format!("- point {i}: a sentence with *emphasis*.\n\n"))
            .collect()
    };
    let table = |n: usize| -> String {
        std::iter::once("| a | b | c |\n| --- | --- | --- |\n".to_string())
            .chain((0..n).map(|i| format!("| {i} | *x* | `y` |\n")))
            .collect()
    };
    let paragraph = |n: usize| -> String {
        "A long paragraph with *emphasis* and [links](https://example.com). ".repeat(n)
    };
    let quote = |n: usize| -> String {
        (0..n)
            .map(|i| format!("> Point {i} has **bold** and `code`,\n> and a second line.\n>\n"))
            .collect()
    };
    let shapes: [(&str, &Generator, [usize; 2]); 5] = [
        ("tight list", &list, [50, 400]),
        ("loose list", &loose, [50, 400]),
        ("table", &table, [50, 400]),
        ("paragraph", &paragraph, [20, 150]),
        ("block quote", &quote, [20, 150]),
    ];
    for (name, make, sizes) in shapes {
        for n in sizes {
            let text = make(n);
            let (mean, p99, renders, incremental) = stream_tail_updates(&text);
            s.push_str(&format!(
                "| {name} ({n}) | {:.1} KiB | {} | {renders} | {incremental} | **{mean:.1} / {p99:.1}** | {:.0} |\n",
                text.len() as f64 / 1024.0,
                text.len() / TOKEN_BYTES,
                full_reparse_us(&text)
            ));
        }
    }
    s.push('\n');
    s
}

/// Highlighter speed per language.
fn highlight_section() -> String {
    let samples = [
        (
            "rust",
            "fn main() {\n    let s = \"x\"; // c\n    println!(\"{}\", 42);\n}\n",
        ),
        (
            "python",
            "def f(x):\n    return [i * 2 for i in range(x)]  # c\n",
        ),
        (
            "javascript",
            "const f = (a) => `t ${a}`; // c\nif (a === 1) { return null; }\n",
        ),
        ("json", "{\"key\": [1, 2.5, true, null, \"s\"]}\n"),
        (
            "html",
            "<div class=\"a\"><a href=\"/x\">t &amp; u</a></div>\n",
        ),
        ("bash", "for f in *.txt; do echo \"$f\"; done # c\n"),
        ("sql", "SELECT id, name FROM users WHERE n > 10; -- c\n"),
    ];
    let mut s = String::from("### Highlighter (hand-written, `crates/sluice-markdown/src/highlight`)\n\nApplied once, when a fence closes. 64 KiB of each sample language:\n\n| language | µs per KiB | tokens per KiB |\n|---|---:|---:|\n");
    for (lang, unit) in samples {
        let code = unit.repeat(64 * 1024 / unit.len());
        let rounds = 20;
        let start = Instant::now();
        let mut tokens = 0;
        for _ in 0..rounds {
            tokens = highlight(lang, &code).map_or(0, |t| t.len());
        }
        let kib = code.len() as f64 / 1024.0;
        let us = start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds) / kib;
        s.push_str(&format!(
            "| {lang} | {us:.1} | {:.0} |\n",
            tokens as f64 / kib
        ));
    }
    s.push('\n');
    s
}

/// TeX converter speed.
fn math_section() -> String {
    let formulas = [
        "x^2 + y^2 = z^2",
        "\\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}",
        "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}",
        "\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}",
        "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}",
        "f(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
    ];
    let rounds = 2000;
    let start = Instant::now();
    let mut elements = 0;
    for _ in 0..rounds {
        for tex in formulas {
            elements += tex_to_mathml(tex, true).map_or(0, |m| m.element_count());
        }
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / (rounds * formulas.len()) as f64;
    format!(
        "### TeX → MathML (`crates/sluice-markdown/src/math`)\n\n{} typical formulas (quadratic formula, sums, integrals, matrices, cases): **{per:.1} µs per formula** on average, {} MathML elements each.\n",
        formulas.len(),
        elements / (rounds * formulas.len())
    )
}
