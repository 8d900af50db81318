//! Math spans for tail completion: pulldown-cmark's `$…$` (inline) and `$$…$$` (display).
//!
//! [`crate::heal::inline`] asks [`MathScanner::at`] what a `$` run starts. A span whose closer
//! is already there is skipped whole (its content is TeX, so `*` or `_` inside it are not
//! emphasis). A `$$` with no closer yet is display math being typed: the healer closes it (or
//! drops the bare opener), so raw `$$` never flashes. A lone `$` with no closer is ambiguous
//! (`$5`, `$HOME`, or `$x^2` being typed); it counts as math only when what follows it looks
//! like TeX (see [`looks_like_tex`]), otherwise it stays a literal dollar.
//!
//! The closer searches remember where they failed, so hostile input full of `$` stays linear.

/// What a `$` run at some position starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MathSpan {
    /// A complete span; scanning resumes at `end` (just after its closer).
    Closed {
        /// Byte offset after the closing `$` or `$$`.
        end: usize,
    },
    /// An opener whose closer has not arrived: the rest of the text is its content.
    Open(OpenMath),
    /// Not math: a literal `$`, scanning resumes after it.
    Literal,
}

/// An unclosed math opener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OpenMath {
    /// Byte offset of the opening `$`.
    pub(crate) pos: usize,
    /// `$$` (display) rather than `$` (inline).
    pub(crate) display: bool,
}

impl OpenMath {
    /// Length of the opener and of the closer to add.
    pub(crate) fn marker_len(self) -> usize {
        if self.display {
            2
        } else {
            1
        }
    }
}

/// Finds math spans left to right, remembering failed closer searches.
#[derive(Default)]
pub(crate) struct MathScanner {
    /// No inline closer exists at or after this offset (a search from here failed).
    no_inline_closer_from: Option<usize>,
    /// No `$$` exists at or after this offset.
    no_display_closer_from: Option<usize>,
    /// No `\)` exists at or after this offset.
    no_paren_closer_from: Option<usize>,
    /// No `\]` exists at or after this offset.
    no_square_closer_from: Option<usize>,
}

impl MathScanner {
    /// Classifies the `$` run at `index` of `text` (`text[index]` must be `$`).
    pub(crate) fn at(&mut self, text: &str, index: usize) -> MathSpan {
        let bytes = text.as_bytes();
        let run = bytes[index..].iter().take_while(|b| **b == b'$').count();
        if run >= 2 {
            return self.display_at(text, index);
        }
        let content_start = index + 1;
        let can_open = bytes
            .get(content_start)
            .is_some_and(|b| !b.is_ascii_whitespace());
        if !can_open {
            return MathSpan::Literal;
        }
        if let Some(close) = self.inline_closer(bytes, content_start + 1) {
            return MathSpan::Closed { end: close + 1 };
        }
        if looks_like_tex(&text[content_start..]) {
            MathSpan::Open(OpenMath {
                pos: index,
                display: false,
            })
        } else {
            MathSpan::Literal
        }
    }

    /// A `$$` opener at `index`: closed by the next `$$`, or open.
    fn display_at(&mut self, text: &str, index: usize) -> MathSpan {
        let from = index + 2;
        if self
            .no_display_closer_from
            .is_none_or(|failed| from < failed)
        {
            if let Some(offset) = text[from..].find("$$") {
                return MathSpan::Closed {
                    end: from + offset + 2,
                };
            }
            self.no_display_closer_from = Some(from);
        }
        MathSpan::Open(OpenMath {
            pos: index,
            display: true,
        })
    }

    /// For a `\(` or `\[` at `index` (math in the parser's event stream): the offset just
    /// after its closer, when that is already there (the span's content is TeX, not
    /// emphasis or `$`). An opener without a closer is left alone: it shows as text.
    pub(crate) fn bracket_end(&mut self, text: &str, index: usize) -> Option<usize> {
        let (closer, failed) = match text.as_bytes().get(index + 1) {
            Some(b'(') => ("\\)", &mut self.no_paren_closer_from),
            Some(b'[') => ("\\]", &mut self.no_square_closer_from),
            _ => return None,
        };
        let from = index + 2;
        if failed.is_some_and(|failed| from >= failed) {
            return None;
        }
        match text.get(from..).and_then(|rest| rest.find(closer)) {
            // Code spans pair before bracket math does: with a backtick in between, the
            // closer may be inside code, so the span is not skipped.
            Some(offset) if text[from..from + offset].contains('`') => None,
            Some(offset) => Some(from + offset + closer.len()),
            None => {
                *failed = Some(from);
                None
            }
        }
    }

    /// The first `$` at or after `from` that can close inline math (not after whitespace).
    fn inline_closer(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        if self
            .no_inline_closer_from
            .is_some_and(|failed| from >= failed)
        {
            return None;
        }
        let found =
            (from..bytes.len()).find(|&i| bytes[i] == b'$' && !bytes[i - 1].is_ascii_whitespace());
        if found.is_none() {
            self.no_inline_closer_from = Some(from);
        }
        found
    }
}

/// True when text after a lone `$` is probably TeX being typed rather than prose with a dollar
/// sign: it uses a TeX command, a script or a brace, or (unless it starts with a digit, as
/// prices do) an equals sign.
pub(crate) fn looks_like_tex(content: &str) -> bool {
    if content.contains(['\\', '^', '{', '}']) {
        return true;
    }
    let starts_with_digit = content.starts_with(|c: char| c.is_ascii_digit());
    !starts_with_digit && content.contains('=')
}

#[cfg(test)]
mod tests {
    use super::{looks_like_tex, MathScanner, MathSpan, OpenMath};

    fn classify(text: &str, index: usize) -> MathSpan {
        MathScanner::default().at(text, index)
    }

    #[test]
    fn complete_spans_are_skipped_whole() {
        assert_eq!(classify("$x$ and", 0), MathSpan::Closed { end: 3 });
        assert_eq!(classify("$$a*b$$ c", 0), MathSpan::Closed { end: 7 });
    }

    #[test]
    fn display_openers_without_closer_are_open() {
        assert_eq!(
            classify("a $$\\int", 2),
            MathSpan::Open(OpenMath {
                pos: 2,
                display: true
            })
        );
    }

    #[test]
    fn prices_and_variables_stay_literal() {
        assert_eq!(classify("costs $5 today", 6), MathSpan::Literal);
        assert_eq!(classify("echo $HOME", 5), MathSpan::Literal);
        assert_eq!(classify("a $ b", 2), MathSpan::Literal);
        assert_eq!(classify("$5 and $6", 0), MathSpan::Literal);
    }

    #[test]
    fn tex_being_typed_is_open_math() {
        assert_eq!(
            classify("so $x^2", 3),
            MathSpan::Open(OpenMath {
                pos: 3,
                display: false
            })
        );
        assert!(looks_like_tex("\\alpha"));
        assert!(looks_like_tex("x = 1"));
        assert!(!looks_like_tex("5 = five dollars"));
        assert!(!looks_like_tex("HOME"));
    }

    #[test]
    fn a_closer_after_whitespace_does_not_close() {
        assert_eq!(classify("$x $ y", 0), MathSpan::Literal);
    }

    #[test]
    fn failed_searches_are_remembered() {
        let text = "$x ".repeat(20_000);
        let mut scanner = MathScanner::default();
        for index in (0..text.len()).step_by(3) {
            assert_eq!(scanner.at(&text, index), MathSpan::Literal);
        }
    }
}
