//! One exported function per feature, so each build's wasm holds exactly one candidate (or
//! nothing, for `baseline`). `measure.sh` builds each, runs wasm-opt -Oz and gzips it.

/// Reads the input the host wrote at `ptr`.
///
/// # Safety
/// `ptr..ptr+len` must be valid UTF-8 owned by the caller.
unsafe fn input<'a>(ptr: *const u8, len: usize) -> &'a str {
    // SAFETY: guaranteed by the caller (the probe's host).
    unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len)) }
}

#[cfg(feature = "baseline")]
#[no_mangle]
/// Baseline: touches the input so the module is not empty.
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> usize {
    unsafe { input(ptr, len) }.lines().count()
}

#[cfg(any(feature = "own", feature = "own-highlight", feature = "speed"))]
#[path = "../../../crates/sluice-markdown/src/highlight/mod.rs"]
pub mod highlight;

#[cfg(any(feature = "own", feature = "own-math"))]
#[path = "../../../crates/sluice-markdown/src/math/mod.rs"]
pub mod math;

#[cfg(feature = "own-highlight")]
#[no_mangle]
/// Sluice's own highlighter alone.
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> usize {
    let text = unsafe { input(ptr, len) };
    let (lang, rest) = text.split_once('\n').unwrap_or(("", text));
    highlight::highlight(lang, rest).map_or(0, |t| t.len())
}

#[cfg(feature = "own-math")]
#[no_mangle]
/// Sluice's own TeX converter alone.
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> usize {
    let text = unsafe { input(ptr, len) };
    math::tex_to_mathml(text, false).map_or(0, |m| m.element_count())
}

#[cfg(feature = "own")]
#[no_mangle]
/// Sluice's own highlighter and TeX converter.
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> usize {
    let text = unsafe { input(ptr, len) };
    let (lang, rest) = text.split_once('\n').unwrap_or(("", text));
    let tokens = highlight::highlight(lang, rest).map_or(0, |t| t.len());
    let math = math::tex_to_mathml(rest, false).map_or(0, |m| m.element_count());
    tokens + math
}

#[cfg(feature = "syntect")]
#[no_mangle]
/// syntect with its default syntaxes, emitting classed HTML.
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> usize {
    let text = unsafe { input(ptr, len) };
    let (lang, rest) = text.split_once('\n').unwrap_or(("", text));
    syntect_html(lang, rest).len()
}

#[cfg(any(feature = "syntect", feature = "speed"))]
/// Highlights `code` as `lang` into classed spans.
pub fn syntect_html(lang: &str, code: &str) -> String {
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::parsing::SyntaxSet;
    use syntect::util::LinesWithEndings;
    let set = SyntaxSet::load_defaults_newlines();
    let Some(syntax) = set.find_syntax_by_token(lang) else {
        return String::new();
    };
    let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, &set, ClassStyle::Spaced);
    for line in LinesWithEndings::from(code) {
        if html.parse_html_for_line_which_includes_newline(line).is_err() {
            return String::new();
        }
    }
    html.finalize()
}

#[cfg(feature = "latex2mathml")]
#[no_mangle]
/// latex2mathml (TeX → MathML string).
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> usize {
    let text = unsafe { input(ptr, len) };
    latex2mathml::latex_to_mathml(text, latex2mathml::DisplayStyle::Inline)
        .map_or(0, |s| s.len())
}

#[cfg(feature = "pulldown-latex")]
#[no_mangle]
/// pulldown-latex (TeX → MathML string).
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> usize {
    let text = unsafe { input(ptr, len) };
    let storage = pulldown_latex::Storage::new();
    let parser = pulldown_latex::Parser::new(text, &storage);
    let mut out = String::new();
    let config = pulldown_latex::RenderConfig::default();
    match pulldown_latex::push_mathml(&mut out, parser, config) {
        Ok(()) => out.len(),
        Err(_) => 0,
    }
}
