//! The table-driven lexer used by most languages: comments, strings, numbers, keywords,
//! types, calls, and a few per-language switches (sigils, decorators, preprocessor lines,
//! Rust's attributes, lifetimes, raw strings and macros).

use super::scanner::{is_ident_char, is_ident_start, Scanner};
use super::{Token, TokenClass};

/// A string delimiter pair.
pub(crate) struct Quote {
    /// Opening delimiter (tried in order, so list `"""` before `"`).
    pub(crate) open: &'static str,
    /// Closing delimiter.
    pub(crate) close: &'static str,
    /// Whether `\` escapes the next character.
    pub(crate) escapes: bool,
    /// Whether the string may span lines.
    pub(crate) multiline: bool,
}

/// Shorthand for a one-line string with backslash escapes.
pub(crate) const fn quote(delimiter: &'static str) -> Quote {
    Quote {
        open: delimiter,
        close: delimiter,
        escapes: true,
        multiline: false,
    }
}

/// Shorthand for a string that may span lines.
pub(crate) const fn multiline(delimiter: &'static str, escapes: bool) -> Quote {
    Quote {
        open: delimiter,
        close: delimiter,
        escapes,
        multiline: true,
    }
}

/// What the generic lexer needs to know about a language.
pub struct Spec {
    /// Line comment openers (`//`, `#`, `--`).
    pub(crate) line_comments: &'static [&'static str],
    /// Block comment delimiters (`/*`, `*/`).
    pub(crate) block_comment: Option<(&'static str, &'static str)>,
    /// Whether block comments nest (Rust, Swift, Kotlin).
    pub(crate) nested_comments: bool,
    /// String delimiters, longest first.
    pub(crate) quotes: &'static [Quote],
    /// Identifiers that may directly precede a string as its prefix (`f"…"`, `@"…"`).
    pub(crate) string_prefixes: &'static [&'static str],
    /// Reserved words.
    pub(crate) keywords: &'static [&'static str],
    /// Built-in type names.
    pub(crate) types: &'static [&'static str],
    /// Built-in constants.
    pub(crate) literals: &'static [&'static str],
    /// Whether keywords match regardless of case (SQL).
    pub(crate) case_insensitive: bool,
    /// Extra characters allowed inside identifiers (`$` in JavaScript, `-` in CSS).
    pub(crate) ident_extra: &'static [char],
    /// Sigils that start a variable (`$` in shell and PHP, `@` in Ruby).
    pub(crate) sigils: &'static [char],
    /// Whether `@name` is a decorator or annotation.
    pub(crate) decorators: bool,
    /// Whether a `#` line is a preprocessor directive (C family).
    pub(crate) preprocessor: bool,
    /// Rust's attributes, lifetimes, raw strings and macros.
    pub(crate) rust: bool,
    /// Whether capitalized identifiers are types.
    pub(crate) capitalized_types: bool,
    /// Whether a string or name followed by `:` is a key (JSON, CSS properties).
    pub(crate) keys_before_colon: bool,
    /// Whether `#` only starts a comment after a blank or at the line start (shells).
    pub(crate) hash_needs_space: bool,
}

/// A spec with everything off, to build the real ones from.
pub(crate) const BASE: Spec = Spec {
    line_comments: &[],
    block_comment: None,
    nested_comments: false,
    quotes: &[],
    string_prefixes: &[],
    keywords: &[],
    types: &[],
    literals: &[],
    case_insensitive: false,
    ident_extra: &[],
    sigils: &[],
    decorators: false,
    preprocessor: false,
    rust: false,
    capitalized_types: false,
    keys_before_colon: false,
    hash_needs_space: false,
};

/// Tokenizes `code` with `spec`.
pub(crate) fn tokenize(spec: &Spec, code: &str) -> Vec<Token> {
    let mut s = Scanner::new(code);
    while let Some(c) = s.peek() {
        let start = s.pos;
        if c.is_whitespace() {
            s.eat_while(char::is_whitespace);
        } else if spec.preprocessor && c == '#' && s.at_line_start() {
            s.skip_to_line_end();
            s.emit(TokenClass::Meta, start);
        } else if spec.rust && (s.rest().starts_with("#[") || s.rest().starts_with("#![")) {
            rust_attribute(&mut s);
            s.emit(TokenClass::Meta, start);
        } else if line_comment(spec, &s) {
            s.skip_to_line_end();
            s.emit(TokenClass::Comment, start);
        } else if let Some((open, close)) = spec
            .block_comment
            .filter(|(open, _)| s.rest().starts_with(open))
        {
            block_comment(&mut s, open, close, spec.nested_comments);
            s.emit(TokenClass::Comment, start);
        } else if spec.rust && c == '\'' && lifetime(&mut s) {
            s.emit(TokenClass::Type, start);
        } else if string(spec, &mut s) {
            finish_key_or_string(spec, &mut s, start);
        } else if c.is_ascii_digit() && !s.previous().is_some_and(is_ident_char) {
            s.number();
        } else if spec.sigils.contains(&c) && s.peek_second().is_some_and(starts_variable) {
            variable(&mut s);
            s.emit(TokenClass::Variable, start);
        } else if spec.decorators && c == '@' && s.peek_second().is_some_and(is_ident_start) {
            s.bump();
            s.eat_while(|c| is_ident_char(c) || c == '.');
            s.emit(TokenClass::Meta, start);
        } else if is_ident_start(c) || spec.ident_extra.contains(&c) {
            word(spec, &mut s);
        } else {
            s.bump();
        }
    }
    s.tokens
}

/// True when a line comment starts here.
fn line_comment(spec: &Spec, s: &Scanner<'_>) -> bool {
    let rest = s.rest();
    spec.line_comments.iter().any(|opener| {
        rest.starts_with(opener)
            && !(spec.hash_needs_space
                && *opener == "#"
                && s.previous().is_some_and(|p| !p.is_whitespace()))
    })
}

/// Consumes a block comment (the opener is at the current position).
fn block_comment(s: &mut Scanner<'_>, open: &str, close: &str, nested: bool) {
    s.skip(open.len());
    if !nested {
        s.skip_past(close);
        return;
    }
    let mut depth = 1usize;
    while !s.done() && depth > 0 {
        if s.rest().starts_with(close) {
            depth -= 1;
            s.skip(close.len());
        } else if s.rest().starts_with(open) {
            depth += 1;
            s.skip(open.len());
        } else {
            s.bump();
        }
    }
}

/// Consumes a string starting here, if one does; true when it did.
fn string(spec: &Spec, s: &mut Scanner<'_>) -> bool {
    if spec.rust && raw_rust_string(s) {
        return true;
    }
    let Some(quote) = spec.quotes.iter().find(|q| s.rest().starts_with(q.open)) else {
        return false;
    };
    s.skip(quote.open.len());
    s.finish_string(quote.close, quote.escapes, quote.multiline);
    true
}

/// Emits a string just consumed, as a key when a `:` follows and the language has keys.
fn finish_key_or_string(spec: &Spec, s: &mut Scanner<'_>, start: usize) {
    let class = if spec.keys_before_colon && followed_by_colon(s) {
        TokenClass::Property
    } else {
        TokenClass::String
    };
    s.emit(class, start);
}

/// True when the next non-blank character on the line is a single `:`.
fn followed_by_colon(s: &Scanner<'_>) -> bool {
    let after = s.rest().trim_start_matches([' ', '\t']);
    after.starts_with(':') && !after.starts_with("::")
}

/// Rust raw strings `r"…"`, `r#"…"#`, `br"…"`.
fn raw_rust_string(s: &mut Scanner<'_>) -> bool {
    let rest = s.rest();
    let after_b = rest.strip_prefix('b').unwrap_or(rest);
    let Some(after_r) = after_b.strip_prefix('r') else {
        return false;
    };
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    if !after_r[hashes..].starts_with('"') || s.previous().is_some_and(is_ident_char) {
        return false;
    }
    let prefix = rest.len() - after_r.len() + hashes + 1;
    s.skip(prefix);
    let closer = format!("\"{}", "#".repeat(hashes));
    s.skip_past(&closer);
    true
}

/// A Rust lifetime `'a` (not a char literal `'a'`); consumes it when it is one.
fn lifetime(s: &mut Scanner<'_>) -> bool {
    let rest = s.rest();
    let name = &rest[1..];
    let len = name.find(|c: char| !is_ident_char(c)).unwrap_or(name.len());
    if len == 0 || !name.starts_with(is_ident_start) || name[len..].starts_with('\'') {
        return false;
    }
    s.skip(1 + len);
    true
}

/// A `#[…]` attribute, brackets balanced, to its closing `]`.
fn rust_attribute(s: &mut Scanner<'_>) {
    let mut depth = 0usize;
    while let Some(c) = s.peek() {
        s.bump();
        match c {
            '[' => depth += 1,
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
            '\n' => return,
            _ => {}
        }
    }
}

/// True for what may follow a sigil in a variable (`$x`, `${x}`, `$1`, `$?`).
fn starts_variable(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || matches!(c, '{' | '?' | '@' | '#' | '!')
}

/// Consumes a variable after its sigil (`$name`, `${…}`, `$1`).
fn variable(s: &mut Scanner<'_>) {
    s.bump();
    match s.peek() {
        Some('{') => {
            s.eat_while(|c| c != '}' && c != '\n');
            if s.peek() == Some('}') {
                s.bump();
            }
        }
        Some(c) if is_ident_start(c) => s.eat_while(is_ident_char),
        _ => s.bump(),
    }
}

/// Consumes an identifier and classifies it.
fn word(spec: &Spec, s: &mut Scanner<'_>) {
    let start = s.pos;
    s.eat_while(|c| is_ident_char(c) || spec.ident_extra.contains(&c));
    let text = &s.text[start..s.pos];
    if spec.string_prefixes.contains(&text) && string(spec, s) {
        s.emit(TokenClass::String, start);
        return;
    }
    if spec.rust && s.rest().starts_with('!') && !s.rest().starts_with("!=") {
        s.bump();
        s.emit(TokenClass::Function, start);
        return;
    }
    let is = |list: &[&str]| {
        if spec.case_insensitive {
            list.iter().any(|w| w.eq_ignore_ascii_case(text))
        } else {
            list.contains(&text)
        }
    };
    let class = if is(spec.keywords) {
        Some(TokenClass::Keyword)
    } else if is(spec.literals) {
        Some(TokenClass::Literal)
    } else if is(spec.types) {
        Some(TokenClass::Type)
    } else if s.rest().trim_start_matches([' ', '\t']).starts_with('(') {
        Some(TokenClass::Function)
    } else if spec.keys_before_colon && followed_by_colon(s) {
        Some(TokenClass::Property)
    } else if spec.capitalized_types && text.starts_with(|c: char| c.is_uppercase()) {
        Some(TokenClass::Type)
    } else {
        None
    };
    if let Some(class) = class {
        s.emit(class, start);
    }
}
