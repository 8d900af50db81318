//! Syntax highlighting of finished code blocks: a compact, table-driven tokenizer.
//!
//! [`highlight`] turns code in one of the supported languages (see [`languages`]) into
//! [`Token`]s: byte ranges tagged with a [`TokenClass`]. Text between tokens is plain. Views
//! wrap each token in a `<span class="hl-…">` built as a DOM node, so no markup is ever
//! produced from the code itself, and colours come from classes (no inline styles).
//!
//! Every lexer is a single forward pass without backtracking: the work is linear in the
//! code's length whatever the input (unterminated strings and comments run to the end of the
//! line or the text). Code longer than [`MAX_HIGHLIGHT_BYTES`] is left plain.
//!
//! Where it runs: in the browser, compiled into the same wasm that renders the Markdown, and
//! in the server's SSR with the same code, so server-rendered history and hydration agree. It
//! is applied when a fence closes (a finished `MdNode::CodeBlock`); the block still streaming
//! is plain text. Server-side highlighting would add a round trip after every closing fence and
//! server CPU per block, and the server would still send token spans for the client to render.
//!
//! Why hand-written: syntect would more than double the bundle (and onig does not build for
//! wasm32), tree-sitter needs a C toolchain for wasm32 and a grammar blob per language; the
//! measurements are in BENCHMARKS.md, "Highlighter and TeX converter: the choice". The lexers
//! are approximations (no semantic analysis), which is what chat answers need: keywords,
//! strings, comments, numbers, types, calls. This module depends only on `std` so the size
//! probe in `tools/wasm-size-probe` can compile it on its own.

mod generic;
pub mod languages;
mod line_based;
mod markup;
mod scanner;
mod specs;
mod specs_modern;
mod specs_more;
mod specs_web;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_formats;

/// Longest code block that is highlighted; longer ones stay plain text.
pub const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

/// What a highlighted piece of code is. Each maps to one CSS class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenClass {
    /// Reserved words (`fn`, `if`, `SELECT`).
    Keyword,
    /// Type names and lifetimes.
    Type,
    /// Constants built into the language (`true`, `None`, `null`).
    Literal,
    /// String and character literals.
    String,
    /// Numeric literals.
    Number,
    /// Comments.
    Comment,
    /// A name followed by `(` (a call or definition), or a macro.
    Function,
    /// Attributes, decorators, preprocessor lines, document markers.
    Meta,
    /// Markup tag names.
    Tag,
    /// Markup attribute names.
    Attribute,
    /// Keys of objects and settings (JSON, YAML, TOML, CSS properties).
    Property,
    /// Variables with a sigil (`$HOME`, `$x`, `@name`).
    Variable,
    /// Added lines of a diff.
    Inserted,
    /// Removed lines of a diff.
    Deleted,
    /// Headings and section headers (Markdown `#`, diff hunks, `[table]`).
    Section,
}

impl TokenClass {
    /// The CSS class of this token kind.
    pub fn css_class(self) -> &'static str {
        match self {
            TokenClass::Keyword => "hl-keyword",
            TokenClass::Type => "hl-type",
            TokenClass::Literal => "hl-literal",
            TokenClass::String => "hl-string",
            TokenClass::Number => "hl-number",
            TokenClass::Comment => "hl-comment",
            TokenClass::Function => "hl-function",
            TokenClass::Meta => "hl-meta",
            TokenClass::Tag => "hl-tag",
            TokenClass::Attribute => "hl-attr",
            TokenClass::Property => "hl-property",
            TokenClass::Variable => "hl-variable",
            TokenClass::Inserted => "hl-inserted",
            TokenClass::Deleted => "hl-deleted",
            TokenClass::Section => "hl-section",
        }
    }
}

/// A highlighted byte range of the code (always on `char` boundaries, non-overlapping,
/// in ascending order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the range is.
    pub class: TokenClass,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A piece of code for rendering: plain text (`class` is `None`) or a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The token kind, or `None` for plain text.
    pub class: Option<TokenClass>,
    /// The text of the piece.
    pub text: &'a str,
}

/// Tokens of `code` in the language named `lang` (any alias, case-insensitive), or `None`
/// when the language is unknown or the code too long to highlight.
pub fn highlight(lang: &str, code: &str) -> Option<Vec<Token>> {
    let language = languages::find(lang)?;
    if code.len() > MAX_HIGHLIGHT_BYTES {
        return None;
    }
    Some(language.tokenize(code))
}

/// Splits `code` into plain and highlighted pieces that concatenate back to `code`.
pub fn pieces<'a>(code: &'a str, tokens: &[Token]) -> Vec<Piece<'a>> {
    let mut out = Vec::with_capacity(tokens.len() * 2 + 1);
    let mut at = 0;
    for token in tokens {
        let (Some(before), Some(text)) =
            (code.get(at..token.start), code.get(token.start..token.end))
        else {
            continue;
        };
        if !before.is_empty() {
            out.push(Piece {
                class: None,
                text: before,
            });
        }
        out.push(Piece {
            class: Some(token.class),
            text,
        });
        at = token.end;
    }
    if let Some(rest) = code.get(at..).filter(|rest| !rest.is_empty()) {
        out.push(Piece {
            class: None,
            text: rest,
        });
    }
    out
}
