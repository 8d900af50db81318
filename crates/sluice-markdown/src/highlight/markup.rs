//! HTML, XML and SVG: tags, attribute names and values, comments, doctypes, entities.
//! Script and style contents stay plain.

use super::scanner::Scanner;
use super::{Token, TokenClass};

/// Tokenizes markup.
pub(crate) fn tokenize(code: &str) -> Vec<Token> {
    let mut s = Scanner::new(code);
    while let Some(c) = s.peek() {
        let start = s.pos;
        let rest = s.rest();
        if rest.starts_with("<!--") {
            s.skip_past("-->");
            s.emit(TokenClass::Comment, start);
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            s.skip_past(">");
            s.emit(TokenClass::Meta, start);
        } else if c == '<'
            && s.peek_second()
                .is_some_and(|n| n == '/' || n.is_alphabetic())
        {
            tag(&mut s);
        } else if c == '&' {
            s.bump();
            s.eat_while(|c| c.is_ascii_alphanumeric() || c == '#');
            if s.peek() == Some(';') {
                s.bump();
                s.emit(TokenClass::Literal, start);
            }
        } else {
            s.bump();
            s.eat_while(|c| c != '<' && c != '&');
        }
    }
    s.tokens
}

/// A start or end tag with its attributes, from `<` to `>`.
fn tag(s: &mut Scanner<'_>) {
    let start = s.pos;
    s.bump();
    if s.peek() == Some('/') {
        s.bump();
    }
    s.eat_while(|c| c.is_alphanumeric() || matches!(c, '-' | ':' | '_' | '.'));
    s.emit(TokenClass::Tag, start);
    while let Some(c) = s.peek() {
        let at = s.pos;
        match c {
            '>' => {
                s.bump();
                s.emit(TokenClass::Tag, at);
                return;
            }
            '/' if s.peek_second() == Some('>') => {
                s.skip(2);
                s.emit(TokenClass::Tag, at);
                return;
            }
            '"' | '\'' => {
                s.bump();
                s.skip_past(if c == '"' { "\"" } else { "'" });
                s.emit(TokenClass::String, at);
            }
            '<' => return,
            c if c.is_whitespace() || c == '=' => s.bump(),
            _ => {
                s.eat_while(|c| {
                    !(c.is_whitespace() || matches!(c, '=' | '>' | '/' | '<' | '"' | '\''))
                });
                if s.pos == at {
                    s.bump();
                }
                s.emit(TokenClass::Attribute, at);
            }
        }
    }
}
