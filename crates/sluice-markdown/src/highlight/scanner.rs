//! The cursor every lexer walks the code with, and the token list it fills.
//!
//! Positions are byte offsets; every advance moves by whole `char`s, so token ranges are
//! always valid string slices. Adjacent tokens of the same class are merged.

use super::{Token, TokenClass};

/// A forward-only position in the code plus the tokens found so far.
pub(crate) struct Scanner<'a> {
    /// The whole code.
    pub(crate) text: &'a str,
    /// Current byte offset.
    pub(crate) pos: usize,
    /// Tokens found so far, in order.
    pub(crate) tokens: Vec<Token>,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Scanner {
            text,
            pos: 0,
            tokens: Vec::new(),
        }
    }

    /// True when all text was consumed.
    pub(crate) fn done(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// The text from the current position on.
    pub(crate) fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// The character at the current position.
    pub(crate) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The character after the current one.
    pub(crate) fn peek_second(&self) -> Option<char> {
        let mut chars = self.rest().chars();
        chars.next();
        chars.next()
    }

    /// The character just before the current position.
    pub(crate) fn previous(&self) -> Option<char> {
        self.text
            .get(..self.pos)
            .and_then(|before| before.chars().next_back())
    }

    /// True when the current position is the first non-blank character of its line.
    /// Only the blank run right before the position is looked at, so repeated calls on one
    /// line stay cheap.
    pub(crate) fn at_line_start(&self) -> bool {
        let before = self.text.get(..self.pos).unwrap_or("");
        let blank = before.trim_end_matches([' ', '\t']);
        blank.is_empty() || blank.ends_with('\n')
    }

    /// Moves past one character.
    pub(crate) fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    /// Moves past `n` bytes (callers pass the length of an ASCII prefix they matched).
    pub(crate) fn skip(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.text.len());
    }

    /// Moves past characters while `keep` holds.
    pub(crate) fn eat_while(&mut self, keep: impl Fn(char) -> bool) {
        let rest = self.rest();
        let len = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        self.pos += len;
    }

    /// Moves to the end of the current line (before its newline).
    pub(crate) fn skip_to_line_end(&mut self) {
        self.eat_while(|c| c != '\n');
    }

    /// Moves past `closer` (or to the end of the text when it never comes).
    pub(crate) fn skip_past(&mut self, closer: &str) {
        match self.rest().find(closer) {
            Some(i) => self.pos += i + closer.len(),
            None => self.pos = self.text.len(),
        }
    }

    /// Records `start..self.pos` as a token, merging with an adjacent one of the same class.
    pub(crate) fn emit(&mut self, class: TokenClass, start: usize) {
        if start >= self.pos {
            return;
        }
        if let Some(last) = self.tokens.last_mut() {
            if last.class == class && last.end == start {
                last.end = self.pos;
                return;
            }
        }
        self.tokens.push(Token {
            class,
            start,
            end: self.pos,
        });
    }

    /// Consumes a quoted string whose opening delimiter was already consumed, up to and
    /// including `close`. `\` escapes the next character when `escapes` is set; without
    /// `multiline` the string also ends at the end of the line.
    pub(crate) fn finish_string(&mut self, close: &str, escapes: bool, multiline: bool) {
        while let Some(c) = self.peek() {
            if self.rest().starts_with(close) {
                self.skip(close.len());
                return;
            }
            if c == '\n' && !multiline {
                return;
            }
            self.bump();
            if c == '\\' && escapes {
                self.bump();
            }
        }
    }

    /// Consumes a number starting at the current position (digits, letters for bases,
    /// suffixes and exponents, `_` separators, one decimal point).
    pub(crate) fn number(&mut self) {
        let start = self.pos;
        let mut seen_dot = false;
        while let Some(c) = self.peek() {
            let exponent_sign = (c == '-' || c == '+')
                && matches!(self.previous(), Some('e' | 'E'))
                && !self.text[start..self.pos].starts_with("0x");
            if c.is_ascii_alphanumeric() || c == '_' || exponent_sign {
                self.bump();
            } else if c == '.'
                && !seen_dot
                && self.peek_second().is_some_and(|d| d.is_ascii_digit())
            {
                seen_dot = true;
                self.bump();
            } else {
                break;
            }
        }
        self.emit(TokenClass::Number, start);
    }
}

/// True for characters that may start an identifier.
pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// True for characters that may continue an identifier.
pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
