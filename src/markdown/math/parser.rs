//! Recursive-descent TeX parser producing MathML nodes directly.
//!
//! Grammar (informally): a *sequence* is atoms with optional `^`/`_`/`'` scripts, ended by
//! the end of input, `}`, `&`, `\\`, `\right` or `\end`; an *atom* is a group `{…}`, a number,
//! a letter, an operator character or a command with its arguments. Every atom counts one
//! level of nesting, so recursion is bounded by [`MAX_DEPTH`].

use super::fonts::{font_command, styled, Font};
use super::symbols::{accent, function, space, symbol, SymbolKind};
use super::table::{environment, rows};
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

/// Parses a whole formula into one node (a row, or a table when it has `\\` or `&`).
pub(crate) fn parse(tex: &str, display: bool) -> Result<MathNode, MathError> {
    let mut parser = Parser::new(tex, 0, display);
    let (nodes, end) = parser.sequence()?;
    match end {
        End::Eof if nodes.is_empty() => Err(MathError::Empty),
        End::Eof => Ok(row(nodes)),
        End::Amp | End::Newline => rows(&mut parser, nodes, end, None),
        End::Brace | End::Right | End::Environment => Err(MathError::Unbalanced),
    }
}

/// Parser state over one TeX source.
pub(crate) struct Parser<'a> {
    /// The TeX source.
    src: &'a str,
    /// Current byte offset.
    pos: usize,
    /// Current nesting depth (atoms being parsed).
    depth: usize,
    /// Whether this is display math (big operators take limits below/above).
    display: bool,
    /// Alphabet selected by an enclosing font command.
    font: Option<Font>,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `src`, already `depth` levels deep.
    fn new(src: &'a str, depth: usize, display: bool) -> Self {
        Parser {
            src,
            pos: 0,
            depth,
            display,
            font: None,
        }
    }

    /// The unparsed rest.
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    /// The next character.
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips whitespace (insignificant in math mode).
    fn skip_space(&mut self) {
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
    fn atom(&mut self) -> Result<Option<(MathNode, bool)>, MathError> {
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
    fn styled_text(&self, text: &str) -> String {
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

    /// A command (the `\` is next) and its arguments.
    fn command(&mut self) -> Result<Option<(MathNode, bool)>, MathError> {
        self.pos += 1;
        let rest = self.rest();
        let len = match rest.find(|c: char| !c.is_ascii_alphabetic()) {
            Some(0) => rest.chars().next().map_or(0, char::len_utf8),
            Some(n) => n,
            None => rest.len(),
        };
        if len == 0 {
            return Err(MathError::MissingArgument);
        }
        let name = &rest[..len];
        self.pos += len;
        let plain = |node| Ok(Some((node, false)));
        let none = MathAttrs::default();
        if let Some(width) = space(name) {
            let attrs = MathAttrs {
                width: Some(width),
                ..none
            };
            return plain(layout(MathTag::Mspace, attrs, Vec::new()));
        }
        if let Some((text, kind)) = symbol(name) {
            let limits = kind == SymbolKind::BigOperator;
            let node = match kind {
                SymbolKind::Identifier => token(MathTag::Mi, none, text.to_string()),
                SymbolKind::Upright => {
                    let attrs = MathAttrs {
                        mathvariant: Some("normal"),
                        ..none
                    };
                    token(MathTag::Mi, attrs, text.to_string())
                }
                _ => token(MathTag::Mo, none, text.to_string()),
            };
            return Ok(Some((node, limits)));
        }
        if let Some((text, limits)) = function(name) {
            return Ok(Some((token(MathTag::Mi, none, text.to_string()), limits)));
        }
        if let Some(font) = font_command(name) {
            let outer = self.font.replace(font);
            let argument = self.argument();
            self.font = outer;
            return plain(argument?);
        }
        if let Some((mark, below)) = accent(name) {
            let base = self.argument()?;
            let mark = token(MathTag::Mo, none, mark.to_string());
            let (tag, attrs) = if below {
                (MathTag::Munder, none)
            } else {
                let accent = MathAttrs {
                    accent: Some("true"),
                    ..none
                };
                (MathTag::Mover, accent)
            };
            return plain(layout(tag, attrs, vec![base, mark]));
        }
        match name {
            "frac" | "dfrac" | "tfrac" | "cfrac" => {
                let numerator = self.argument()?;
                let denominator = self.argument()?;
                plain(layout(MathTag::Mfrac, none, vec![numerator, denominator]))
            }
            "binom" | "dbinom" | "tbinom" => {
                let top = self.argument()?;
                let bottom = self.argument()?;
                let thin = MathAttrs {
                    linethickness: Some("0"),
                    ..none
                };
                plain(fenced(
                    "(",
                    layout(MathTag::Mfrac, thin, vec![top, bottom]),
                    ")",
                ))
            }
            "sqrt" => self.root(),
            "text" | "textrm" | "textnormal" | "textit" | "textbf" | "textsf" | "texttt"
            | "mbox" | "hbox" => {
                let text = unescape_text(self.raw_group()?);
                plain(token(MathTag::Mtext, none, text))
            }
            "operatorname" => {
                let limits = self.rest().starts_with('*');
                if limits {
                    self.pos += 1;
                }
                let text = unescape_text(self.raw_group()?);
                Ok(Some((token(MathTag::Mi, none, text), limits)))
            }
            "overset" | "stackrel" | "underset" => {
                let script = self.argument()?;
                let base = self.argument()?;
                let tag = if name == "underset" {
                    MathTag::Munder
                } else {
                    MathTag::Mover
                };
                plain(layout(tag, none, vec![base, script]))
            }
            "left" => plain(self.left_right()?),
            "big" | "Big" | "bigg" | "Bigg" | "bigl" | "bigr" | "Bigl" | "Bigr" | "biggl"
            | "biggr" | "Biggl" | "Biggr" | "bigm" | "Bigm" => {
                let delimiter = self.delimiter()?.unwrap_or_default();
                plain(token(MathTag::Mo, none, delimiter.to_string()))
            }
            "begin" => plain(environment(self)?),
            "not" => plain(self.negation()?),
            "pmod" => {
                let argument = self.argument()?;
                let body = row(vec![token(MathTag::Mo, none, "mod".to_string()), argument]);
                plain(fenced("(", body, ")"))
            }
            "mod" => plain(token(MathTag::Mo, none, "mod".to_string())),
            "limits" | "nolimits" => Ok(None),
            _ => Err(MathError::UnsupportedCommand(name.to_string())),
        }
    }

    /// `\sqrt{x}` or `\sqrt[n]{x}`.
    fn root(&mut self) -> Result<Option<(MathNode, bool)>, MathError> {
        self.skip_space();
        let index = if self.peek() == Some('[') {
            let close = self.rest().find(']').ok_or(MathError::Unbalanced)?;
            let inner = &self.rest()[1..close];
            self.pos += close + 1;
            let mut sub = Parser::new(inner, self.depth + 1, self.display);
            let (nodes, end) = sub.sequence()?;
            if end != End::Eof {
                return Err(MathError::Unbalanced);
            }
            Some(row(nodes))
        } else {
            None
        };
        let body = self.argument()?;
        let node = match index {
            Some(index) => layout(MathTag::Mroot, MathAttrs::default(), vec![body, index]),
            None => layout(MathTag::Msqrt, MathAttrs::default(), vec![body]),
        };
        Ok(Some((node, false)))
    }

    /// `\left( … \right)` (the `\left` was consumed).
    fn left_right(&mut self) -> Result<MathNode, MathError> {
        let open = self.delimiter()?;
        let (nodes, end) = self.sequence()?;
        if end != End::Right || !self.eat_command("right") {
            return Err(MathError::Unbalanced);
        }
        let close = self.delimiter()?;
        let stretchy = MathAttrs {
            stretchy: Some("true"),
            ..MathAttrs::default()
        };
        let mut children = Vec::with_capacity(nodes.len() + 2);
        if let Some(open) = open {
            children.push(token(MathTag::Mo, stretchy, open.to_string()));
        }
        children.extend(nodes);
        if let Some(close) = close {
            children.push(token(MathTag::Mo, stretchy, close.to_string()));
        }
        Ok(layout(MathTag::Mrow, MathAttrs::default(), children))
    }

    /// A delimiter after `\left`, `\right` or `\big`; `None` for the invisible `.`.
    fn delimiter(&mut self) -> Result<Option<&'static str>, MathError> {
        self.skip_space();
        let c = self.peek().ok_or(MathError::MissingArgument)?;
        if c == '\\' {
            let rest = &self.rest()[1..];
            let len = match rest.find(|c: char| !c.is_ascii_alphabetic()) {
                Some(0) => rest.chars().next().map_or(0, char::len_utf8),
                Some(n) => n,
                None => rest.len(),
            };
            let name = &rest[..len];
            return match symbol(name) {
                Some((text, SymbolKind::Delimiter | SymbolKind::Operator)) => {
                    self.pos += 1 + len;
                    Ok(Some(text))
                }
                _ => Err(MathError::UnsupportedCommand(name.to_string())),
            };
        }
        self.pos += c.len_utf8();
        let text = match c {
            '.' => return Ok(None),
            '(' => "(",
            ')' => ")",
            '[' => "[",
            ']' => "]",
            '|' => "|",
            '/' => "/",
            '<' => "⟨",
            '>' => "⟩",
            _ => return Err(MathError::MissingArgument),
        };
        Ok(Some(text))
    }

    /// `\not` before a relation: the negated symbol.
    fn negation(&mut self) -> Result<MathNode, MathError> {
        self.skip_space();
        let negated = if self.peek() == Some('=') {
            self.pos += 1;
            "≠"
        } else if self.eat_command("in") {
            "∉"
        } else if self.eat_command("subset") {
            "⊄"
        } else if self.eat_command("equiv") {
            "≢"
        } else if self.eat_command("exists") {
            "∄"
        } else {
            return Err(MathError::UnsupportedCommand("not".to_string()));
        };
        Ok(token(
            MathTag::Mo,
            MathAttrs::default(),
            negated.to_string(),
        ))
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

/// Text-mode content with TeX escapes (`\$`, `\{`, `\ `) resolved.
fn unescape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else if c != '{' && c != '}' {
            out.push(c);
        }
    }
    out
}
