//! Recursive-descent TeX parser producing MathML nodes directly.
//!
//! Grammar (informally): a *sequence* is atoms with optional `^`/`_`/`'` scripts, ended by
//! the end of input, `}`, `&`, `\\`, `\right` or `\end`; an *atom* is a group `{…}`, a number,
//! a letter, an operator character or a command with its arguments. Every atom counts one
//! level of nesting, so recursion is bounded by [`MAX_DEPTH`].

use super::fonts::{styled, Font};
use super::{MathAttrs, MathError, MathNode, MathTag, MAX_DEPTH};

/// What ended a sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// End of input.
    Eof,
    /// A `}` (consumed).
    Brace,
    /// A `&` cell separator (consumed).
    Amp,
    /// A `\\` row separator (consumed).
    Newline,
    /// A `\right` (not consumed).
    Right,
    /// An `\end` (not consumed).
    Environment,
}

/// Parser state over one TeX source.
pub(crate) struct Parser<'a> {
    /// The TeX source.
    pub(super) src: &'a str,
    /// Current byte offset.
    pub(super) pos: usize,
    /// Current nesting depth (atoms being parsed).
    pub(super) depth: usize,
    /// Whether this is display math (big operators take limits below/above).
    pub(super) display: bool,
    /// Alphabet selected by an enclosing font command.
    pub(super) font: Option<Font>,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `src`, already `depth` levels deep.
    pub(super) fn new(src: &'a str, depth: usize, display: bool) -> Self {
        Parser {
            src,
            pos: 0,
            depth,
            display,
            font: None,
        }
    }

    /// The unparsed rest.
    pub(super) fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    /// The next character.
    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips whitespace (insignificant in math mode).
    pub(super) fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// True when the next thing is the command `\name` (not a longer one).
    pub(crate) fn at_command(&self, name: &str) -> bool {
        self.rest()
            .strip_prefix('\\')
            .and_then(|r| r.strip_prefix(name))
            .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphabetic()))
    }

    /// Consumes `\name` if it is next.
    pub(crate) fn eat_command(&mut self, name: &str) -> bool {
        let found = self.at_command(name);
        if found {
            self.pos += 1 + name.len();
        }
        found
    }

    /// Parses atoms until a terminator.
    pub(crate) fn sequence(&mut self) -> Result<(Vec<MathNode>, End), MathError> {
        let mut nodes = Vec::new();
        loop {
            self.skip_space();
            let Some(c) = self.peek() else {
                return Ok((nodes, End::Eof));
            };
            match c {
                '}' => {
                    self.pos += 1;
                    return Ok((nodes, End::Brace));
                }
                '&' => {
                    self.pos += 1;
                    return Ok((nodes, End::Amp));
                }
                '\\' if self.rest().starts_with("\\\\") => {
                    self.pos += 2;
                    return Ok((nodes, End::Newline));
                }
                '\\' if self.at_command("right") => return Ok((nodes, End::Right)),
                '\\' if self.at_command("end") => return Ok((nodes, End::Environment)),
                '\\' if self.at_command("displaystyle") || self.at_command("textstyle") => {
                    let display = self.eat_command("displaystyle");
                    self.eat_command("textstyle");
                    let (rest, end) = self.sequence()?;
                    nodes.push(layout(
                        MathTag::Mstyle,
                        MathAttrs {
                            displaystyle: Some(if display { "true" } else { "false" }),
                            ..MathAttrs::default()
                        },
                        rest,
                    ));
                    return Ok((nodes, end));
                }
                '^' | '_' | '\'' => {
                    let node = self.scripts(
                        layout(MathTag::Mrow, MathAttrs::default(), Vec::new()),
                        false,
                    )?;
                    nodes.push(node);
                }
                _ => {
                    if let Some((atom, limits)) = self.atom()? {
                        nodes.push(self.scripts(atom, limits)?);
                    }
                }
            }
        }
    }

    /// Parses one atom; `None` for things that produce nothing (comments, `\limits`). The
    /// bool says whether scripts on it go below/above in display math.
    pub(super) fn atom(&mut self) -> Result<Option<(MathNode, bool)>, MathError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(MathError::TooLarge);
        }
        let result = self.atom_inner();
        self.depth -= 1;
        result
    }

    /// [`Self::atom`] without the depth bookkeeping.
    fn atom_inner(&mut self) -> Result<Option<(MathNode, bool)>, MathError> {
        let Some(c) = self.peek() else {
            return Err(MathError::MissingArgument);
        };
        let plain = |node| Ok(Some((node, false)));
        match c {
            '{' => plain(self.group()?),
            '\\' => self.command(),
            '%' => {
                let line = self.rest().find('\n').unwrap_or(self.rest().len());
                self.pos += line;
                Ok(None)
            }
            '#' | '$' => Err(MathError::UnsupportedCommand(c.to_string())),
            '}' | '&' => Err(MathError::MissingArgument),
            c if c.is_ascii_digit()
                || (c == '.' && self.rest()[1..].starts_with(|d: char| d.is_ascii_digit())) =>
            {
                plain(self.number())
            }
            c if c.is_alphabetic() => {
                self.pos += c.len_utf8();
                plain(self.identifier(c))
            }
            _ => {
                self.pos += c.len_utf8();
                let text = match c {
                    '-' => "−".to_string(),
                    '*' => "∗".to_string(),
                    '~' => "\u{a0}".to_string(),
                    '<' => "<".to_string(),
                    other => other.to_string(),
                };
                plain(token(MathTag::Mo, MathAttrs::default(), text))
            }
        }
    }

    /// A run of digits with at most one decimal point.
    fn number(&mut self) -> MathNode {
        let rest = self.rest();
        let mut len = 0;
        let mut seen_dot = false;
        for (i, c) in rest.char_indices() {
            let dot =
                c == '.' && !seen_dot && rest[i + 1..].starts_with(|d: char| d.is_ascii_digit());
            if !(c.is_ascii_digit() || dot) {
                break;
            }
            seen_dot |= dot;
            len = i + 1;
        }
        self.pos += len;
        let text = self.styled_text(&rest[..len]);
        token(MathTag::Mn, MathAttrs::default(), text)
    }

    /// A single-letter identifier in the current font.
    fn identifier(&self, c: char) -> MathNode {
        let upright = self.font == Some(Font::Upright);
        let text = self.styled_text(c.encode_utf8(&mut [0; 4]));
        token(
            MathTag::Mi,
            MathAttrs {
                mathvariant: upright.then_some("normal"),
                ..MathAttrs::default()
            },
            text,
        )
    }

    /// `text` mapped to the current font's alphabet.
    pub(super) fn styled_text(&self, text: &str) -> String {
        match self.font {
            Some(font) => text.chars().map(|c| styled(c, font)).collect(),
            None => text.to_string(),
        }
    }

    /// A `{…}` group as one node.
    fn group(&mut self) -> Result<MathNode, MathError> {
        self.pos += 1;
        let (nodes, end) = self.sequence()?;
        if end != End::Brace {
            return Err(MathError::Unbalanced);
        }
        Ok(row(nodes))
    }

    /// A command argument: a group, a command, or a single character.
    pub(crate) fn argument(&mut self) -> Result<MathNode, MathError> {
        self.skip_space();
        match self.peek() {
            None | Some('}' | '&' | '^' | '_') => Err(MathError::MissingArgument),
            Some(c) if c.is_ascii_digit() => {
                self.pos += 1;
                Ok(token(
                    MathTag::Mn,
                    MathAttrs::default(),
                    self.styled_text(&c.to_string()),
                ))
            }
            Some(_) => match self.atom()? {
                Some((node, _)) => Ok(node),
                None => self.argument(),
            },
        }
    }

    /// Attaches any `^`, `_` and `'` scripts following `base`.
    fn scripts(&mut self, base: MathNode, limits: bool) -> Result<MathNode, MathError> {
        let mut limits = limits && self.display;
        let mut sub = None;
        let mut sup = None;
        loop {
            self.skip_space();
            if self.eat_command("limits") {
                limits = true;
                continue;
            }
            if self.eat_command("nolimits") {
                limits = false;
                continue;
            }
            match self.peek() {
                Some('^') if sup.is_none() => {
                    self.pos += 1;
                    sup = Some(self.argument()?);
                }
                Some('_') if sub.is_none() => {
                    self.pos += 1;
                    sub = Some(self.argument()?);
                }
                Some('\'') if sup.is_none() => {
                    let primes = self.rest().len() - self.rest().trim_start_matches('\'').len();
                    self.pos += primes;
                    let text = ["′", "″", "‴"]
                        .get(primes - 1)
                        .map_or_else(|| "′".repeat(primes), |s| s.to_string());
                    sup = Some(token(MathTag::Mo, MathAttrs::default(), text));
                }
                _ => break,
            }
        }
        let attrs = MathAttrs::default();
        Ok(match (sub, sup) {
            (None, None) => base,
            (Some(sub), None) if limits => layout(MathTag::Munder, attrs, vec![base, sub]),
            (Some(sub), None) => layout(MathTag::Msub, attrs, vec![base, sub]),
            (None, Some(sup)) if limits => layout(MathTag::Mover, attrs, vec![base, sup]),
            (None, Some(sup)) => layout(MathTag::Msup, attrs, vec![base, sup]),
            (Some(sub), Some(sup)) if limits => {
                layout(MathTag::Munderover, attrs, vec![base, sub, sup])
            }
            (Some(sub), Some(sup)) => layout(MathTag::Msubsup, attrs, vec![base, sub, sup]),
        })
    }

    /// The raw text of a `{…}` argument (nested braces kept, `\` escapes honoured).
    pub(crate) fn raw_group(&mut self) -> Result<&'a str, MathError> {
        self.skip_space();
        if self.peek() != Some('{') {
            return Err(MathError::MissingArgument);
        }
        let rest = self.rest();
        let mut depth = 0usize;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += i + 1;
                        return Ok(&rest[1..i]);
                    }
                }
                _ => {}
            }
        }
        Err(MathError::Unbalanced)
    }
}

/// A token element.
pub(crate) fn token(tag: MathTag, attrs: MathAttrs, text: String) -> MathNode {
    MathNode::Token { tag, attrs, text }
}

/// A layout element.
pub(crate) fn layout(tag: MathTag, attrs: MathAttrs, children: Vec<MathNode>) -> MathNode {
    MathNode::Layout {
        tag,
        attrs,
        children,
    }
}

/// One node for a list: the node itself when single, else an `mrow`.
pub(crate) fn row(mut nodes: Vec<MathNode>) -> MathNode {
    if nodes.len() == 1 {
        if let Some(node) = nodes.pop() {
            return node;
        }
    }
    layout(MathTag::Mrow, MathAttrs::default(), nodes)
}

/// `body` between two fixed fences.
pub(crate) fn fenced(open: &str, body: MathNode, close: &str) -> MathNode {
    let none = MathAttrs::default();
    layout(
        MathTag::Mrow,
        none,
        vec![
            token(MathTag::Mo, none, open.to_string()),
            body,
            token(MathTag::Mo, none, close.to_string()),
        ],
    )
}
