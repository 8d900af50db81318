//! Commands (`\frac`, `\sqrt`, `\left`, fonts, accents, symbols, …) and their arguments: the
//! second half of [`super::parser::Parser`].

use super::fonts::font_command;
use super::parser::{fenced, layout, row, token, End, Parser};
use super::symbols::{accent, function, space, symbol, SymbolKind};
use super::table::environment;
use super::{MathAttrs, MathError, MathNode, MathTag};

impl Parser<'_> {
    /// A command (the `\` is next) and its arguments.
    pub(super) fn command(&mut self) -> Result<Option<(MathNode, bool)>, MathError> {
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
