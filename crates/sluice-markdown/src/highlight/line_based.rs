//! Lexers for line-oriented formats: diffs, YAML, TOML/INI, Dockerfiles and Markdown. Each
//! looks at one line at a time, so a line's classes never depend on far-away text.

use super::generic::{self, Spec};
use super::scanner::Scanner;
use super::{Token, TokenClass};

/// Unified diffs: added, removed, hunk and header lines.
pub(crate) fn diff(code: &str) -> Vec<Token> {
    let mut s = Scanner::new(code);
    while !s.done() {
        let start = s.pos;
        let rest = s.rest();
        let header = ["+++", "---", "diff ", "index "];
        let class = if header.iter().any(|h| rest.starts_with(h)) {
            Some(TokenClass::Meta)
        } else if rest.starts_with("@@") {
            Some(TokenClass::Section)
        } else if rest.starts_with('+') || rest.starts_with('>') {
            Some(TokenClass::Inserted)
        } else if rest.starts_with('-') || rest.starts_with('<') {
            Some(TokenClass::Deleted)
        } else {
            None
        };
        s.skip_to_line_end();
        if let Some(class) = class {
            s.emit(class, start);
        }
        s.bump();
    }
    s.tokens
}

/// Values inside YAML and TOML lines: strings, numbers, constants, comments.
const VALUES: Spec = Spec {
    line_comments: &["#"],
    hash_needs_space: true,
    quotes: &[generic::quote("\""), generic::quote("'")],
    literals: &[
        "true", "false", "null", "yes", "no", "on", "off", "True", "False", "Null", "TRUE",
        "FALSE", "NULL", "~",
    ],
    sigils: &['&', '*'],
    ..generic::BASE
};

/// YAML: `key:` properties, `---` documents, values, comments.
pub(crate) fn yaml(code: &str) -> Vec<Token> {
    keyed_lines(code, |line| {
        if line.starts_with("---") || line.starts_with("...") {
            return LineStart::Whole(TokenClass::Meta);
        }
        let content = line.trim_start_matches([' ', '\t', '-']);
        let indent = line.len() - content.len();
        match key_length(content, ':') {
            Some(len) => LineStart::Key(indent, indent + len),
            None => LineStart::Values(0),
        }
    })
}

/// TOML and INI: `[section]` headers and `key =` properties.
pub(crate) fn toml(code: &str) -> Vec<Token> {
    keyed_lines(code, |line| {
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if content.starts_with('[') {
            return LineStart::Section(indent);
        }
        if content.starts_with(';') {
            return LineStart::Whole(TokenClass::Comment);
        }
        match key_length(content, '=') {
            Some(len) => LineStart::Key(indent, indent + len),
            None => LineStart::Values(0),
        }
    })
}

/// Dockerfiles: the instruction word, then shell-like arguments.
pub(crate) fn dockerfile(code: &str) -> Vec<Token> {
    let mut s = Scanner::new(code);
    let mut continued = false;
    while !s.done() {
        let line_end = s.rest().find('\n').map_or(s.text.len(), |i| s.pos + i);
        let line = &s.text[s.pos..line_end];
        let content = line.trim_start();
        let indent = line.len() - content.len();
        if content.starts_with('#') {
            let start = s.pos + indent;
            s.pos = line_end;
            s.emit(TokenClass::Comment, start);
        } else {
            let word_len = content
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(content.len());
            if !continued && word_len > 0 {
                let start = s.pos + indent;
                s.pos = start + word_len;
                s.emit(TokenClass::Keyword, start);
            }
            embed(&mut s, &super::specs_more::SHELL, line_end);
        }
        continued = line.trim_end().ends_with('\\');
        s.pos = line_end;
        s.bump();
    }
    s.tokens
}

/// Markdown: headings, quotes, list markers, fences, inline code.
pub(crate) fn markdown(code: &str) -> Vec<Token> {
    let mut s = Scanner::new(code);
    let mut in_fence = false;
    while !s.done() {
        let line_end = s.rest().find('\n').map_or(s.text.len(), |i| s.pos + i);
        let line = &s.text[s.pos..line_end];
        let content = line.trim_start();
        let start = s.pos;
        if content.starts_with("```") || content.starts_with("~~~") {
            in_fence = !in_fence;
            s.pos = line_end;
            s.emit(TokenClass::Meta, start);
        } else if in_fence {
            s.pos = line_end;
            s.emit(TokenClass::String, start);
        } else if content.starts_with('#') {
            s.pos = line_end;
            s.emit(TokenClass::Section, start);
        } else if content.starts_with('>') {
            s.pos = line_end;
            s.emit(TokenClass::Comment, start);
        } else {
            let marker = list_marker_len(content);
            if marker > 0 {
                let marker_start = start + (line.len() - content.len());
                s.pos = marker_start + marker;
                s.emit(TokenClass::Keyword, marker_start);
            }
            inline_code(&mut s, line_end);
        }
        s.pos = line_end;
        s.bump();
    }
    s.tokens
}

/// Where the highlighted part of a keyed line starts.
enum LineStart {
    /// The whole line is one token.
    Whole(TokenClass),
    /// A `[section]` header after this many bytes of indentation.
    Section(usize),
    /// A key from the first to the second offset, then values.
    Key(usize, usize),
    /// Only values, from this offset.
    Values(usize),
}

/// Runs `classify` on each line and highlights keys, sections and values.
fn keyed_lines(code: &str, classify: impl Fn(&str) -> LineStart) -> Vec<Token> {
    let mut s = Scanner::new(code);
    while !s.done() {
        let line_start = s.pos;
        let line_end = s.rest().find('\n').map_or(s.text.len(), |i| s.pos + i);
        match classify(&s.text[line_start..line_end]) {
            LineStart::Whole(class) => {
                s.pos = line_end;
                s.emit(class, line_start);
            }
            LineStart::Section(indent) => {
                let start = line_start + indent;
                let header = &s.text[start..line_end];
                s.pos = start + header.find(']').map_or(header.len(), |i| i + 1);
                s.emit(TokenClass::Section, start);
                embed(&mut s, &VALUES, line_end);
            }
            LineStart::Key(from, to) => {
                s.pos = line_start + to;
                s.emit(TokenClass::Property, line_start + from);
                embed(&mut s, &VALUES, line_end);
            }
            LineStart::Values(from) => {
                s.pos = line_start + from;
                embed(&mut s, &VALUES, line_end);
            }
        }
        s.pos = line_end;
        s.bump();
    }
    s.tokens
}

/// Length of a key (a bare word or a quoted string) directly followed by `separator`.
fn key_length(content: &str, separator: char) -> Option<usize> {
    let key_end = if let Some(quoted) = content.strip_prefix(['"', '\'']) {
        let quote = content.chars().next()?;
        quoted.find(quote)? + 2
    } else {
        content.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))?
    };
    let after = content[key_end..].trim_start_matches([' ', '\t']);
    (key_end > 0 && after.starts_with(separator)).then_some(key_end)
}

/// Width of a `-`, `*`, `+` or `1.` list marker at the start of `content` (0 if none).
fn list_marker_len(content: &str) -> usize {
    let digits = content.len()
        - content
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let marker = if digits > 0 {
        match content[digits..].chars().next() {
            Some('.' | ')') => digits + 1,
            _ => return 0,
        }
    } else if content.starts_with(['-', '*', '+']) {
        1
    } else {
        return 0;
    };
    if content[marker..].starts_with(' ') {
        marker
    } else {
        0
    }
}

/// Highlights `` `code` `` spans up to `line_end`.
fn inline_code(s: &mut Scanner<'_>, line_end: usize) {
    while s.pos < line_end {
        let line = &s.text[s.pos..line_end];
        let Some(open) = line.find('`') else {
            return;
        };
        let start = s.pos + open;
        let Some(close) = s.text[start + 1..line_end].find('`') else {
            return;
        };
        s.pos = start + close + 2;
        s.emit(TokenClass::String, start);
    }
}

/// Runs the generic lexer with `spec` over `s.pos..line_end`, adding its tokens.
fn embed(s: &mut Scanner<'_>, spec: &Spec, line_end: usize) {
    if s.pos >= line_end {
        return;
    }
    let offset = s.pos;
    for token in generic::tokenize(spec, &s.text[offset..line_end]) {
        s.pos = offset + token.end;
        s.emit(token.class, offset + token.start);
    }
    s.pos = line_end;
}
