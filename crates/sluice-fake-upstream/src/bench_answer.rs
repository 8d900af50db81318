//! The long Markdown answer of the `fake-bench` model (and the bursts of `fake-bursty`): a
//! deterministic document with everything an answer renders (headings, prose with inline
//! marks and links, nested and ordered lists, tables, fenced code, inline and display math),
//! cut into token-sized pieces the way a model streams it (a word with its leading space, a
//! short punctuation run, a newline run; about four bytes each).

/// Tokens of the browser benchmark's answer.
pub(crate) const BENCH_TOKENS: usize = 10_000;

/// The first `count` tokens of the benchmark document.
pub(crate) fn bench_tokens(count: usize) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    let mut section = 0;
    while tokens.len() < count {
        tokenize_into(&section_text(section), &mut tokens);
        section += 1;
    }
    tokens.truncate(count);
    tokens
}

/// Topics the sections rotate through.
const TOPICS: &[&str] = &[
    "streaming parsers",
    "back-pressure",
    "incremental rendering",
    "connection reuse",
    "numeric stability",
    "cache eviction",
];

/// One section of the document; `index` varies names and numbers.
fn section_text(index: usize) -> String {
    let topic = TOPICS[index % TOPICS.len()];
    let mut text = format!(
        "## {n}. On {topic}\n\n\
         When we look at **{topic}** closely, the first thing to notice is that every \
         *small* decision compounds: a buffer of `{size}` bytes, a retry after {n} ms, a \
         [reference implementation](https://example.com/docs/{n}) that nobody reads. The \
         practical answer is to measure first, then change one thing at a time, and to keep \
         the slow path ~~hidden~~ visible in the logs.\n\n\
         - keep the hot loop free of allocations\n\
         - prefer `Vec::with_capacity({size})` when the size is known\n  \
           - and reuse it between requests\n\
         - log the **p99**, not only the mean\n\n",
        n = index + 1,
        size = 64 << (index % 5),
    );
    text.push_str(&format!(
        "| Case | Latency (ms) | Throughput |\n| --- | ---: | :---: |\n\
         | cold start | {a} | {b} req/s |\n| warm | {c} | {d} req/s |\n\
         | under load | {e} | {f} req/s |\n\n",
        a = 120 + index,
        b = 800 + 10 * index,
        c = 12 + index % 7,
        d = 4_000 + 25 * index,
        e = 48 + index % 11,
        f = 2_500 + 5 * index,
    ));
    if index.is_multiple_of(2) {
        text.push_str(&format!(
            "```rust\n/// Sums the first {n} squares.\nfn sum_squares(limit: u64) -> u64 {{\n    \
             (1..=limit).map(|k| k * k).sum()\n}}\n\nfn main() {{\n    \
             let total = sum_squares({n});\n    println!(\"total = {{total}}\");\n}}\n```\n\n",
            n = index + 3,
        ));
    } else {
        text.push_str(&format!(
            "```python\ndef mean(values):\n    \"\"\"Average of {n} samples.\"\"\"\n    \
             return sum(values) / len(values)\n\nprint(mean(range({n})))\n```\n\n",
            n = index + 10,
        ));
    }
    text.push_str(&format!(
        "The growth is quadratic, since $\\sum_{{k=1}}^{{n}} k^2 = \\frac{{n(n+1)(2n+1)}}{{6}}$, \
         and for the bound we use\n\n$$\n\\int_0^{{{n}}} x^2 \\, dx = \\frac{{{n}^3}}{{3}}\n$$\n\n\
         1. measure\n2. change one thing\n3. measure again\n\n",
        n = index + 2,
    ));
    text
}

/// Appends the tokens of `text` to `tokens`.
fn tokenize_into(text: &str, tokens: &mut Vec<String>) {
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        let next = chars.peek().copied();
        let ends = match next {
            None => true,
            Some(n) if c == '\n' => n != '\n',
            Some(n) if c.is_alphanumeric() => !n.is_alphanumeric() || current.len() >= 8,
            Some(n) if c == ' ' => n == '\n',
            Some(n) => n.is_alphanumeric() || n == ' ' || n == '\n' || current.len() >= 2,
        };
        if ends {
            tokens.push(std::mem::take(&mut current));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{bench_tokens, BENCH_TOKENS};

    #[test]
    fn the_benchmark_answer_has_every_construct_in_ten_thousand_tokens() {
        let tokens = bench_tokens(BENCH_TOKENS);
        assert_eq!(tokens.len(), BENCH_TOKENS);
        assert!(tokens.iter().all(|t| !t.is_empty()));
        let text: String = tokens.concat();
        let bytes_per_token = text.len() as f64 / BENCH_TOKENS as f64;
        assert!((2.5..6.0).contains(&bytes_per_token), "{bytes_per_token}");
        for construct in [
            "## ",
            "**",
            "`",
            "](https://",
            "\n- ",
            "  - ",
            "| ---",
            "```rust",
            "```python",
            "$$\n",
            "\\frac",
            "\n1. ",
        ] {
            assert!(text.contains(construct), "{construct}");
        }
    }
}
