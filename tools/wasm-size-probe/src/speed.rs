//! Native speed of Sluice's highlighter vs syntect on the same code (release build):
//! `cargo run --profile speed --features speed --bin speed` (opt-level 3; `release` here is the
//! size-optimized wasm profile). Prints a Markdown table.

#[cfg(feature = "speed")]
fn main() {
    use std::time::Instant;
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::parsing::SyntaxSet;
    use syntect::util::LinesWithEndings;
    use wasm_size_probe::highlight::highlight;

    let unit = "/// Adds numbers.\nfn add(a: u32, b: u32) -> u32 {\n    let s = \"text\"; // note\n    a + b * 42\n}\n\n#[derive(Debug)]\nstruct Point { x: f64, y: f64 }\n";
    let code = unit.repeat(10 * 1024 / unit.len());
    let kib = code.len() as f64 / 1024.0;
    let rounds = 200;

    let start = Instant::now();
    let mut tokens = 0;
    for _ in 0..rounds {
        tokens += highlight("rust", &code).map_or(0, |t| t.len());
    }
    let own = start.elapsed().as_secs_f64() * 1e6 / rounds as f64 / kib;

    let start = Instant::now();
    let set = SyntaxSet::load_defaults_newlines();
    let load_ms = start.elapsed().as_secs_f64() * 1e3;
    let syntax = set.find_syntax_by_token("rust").expect("rust syntax");
    let start = Instant::now();
    let syntect_rounds = 20;
    let mut bytes = 0;
    for _ in 0..syntect_rounds {
        let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, &set, ClassStyle::Spaced);
        for line in LinesWithEndings::from(&code) {
            html.parse_html_for_line_which_includes_newline(line).expect("highlights");
        }
        bytes += html.finalize().len();
    }
    let syntect = start.elapsed().as_secs_f64() * 1e6 / syntect_rounds as f64 / kib;
    println!("| highlighter | µs per KiB (native, {kib:.0} KiB Rust) | start-up |");
    println!("|---|---:|---:|");
    println!("| sluice (hand-written) | {own:.1} | none |");
    println!("| syntect 5 (fancy-regex, default syntaxes) | {syntect:.1} | {load_ms:.0} ms to load the syntax set |");
    eprintln!("(checksums {tokens} {bytes})");
}

#[cfg(not(feature = "speed"))]
fn main() {
    eprintln!("build with --features speed");
}
