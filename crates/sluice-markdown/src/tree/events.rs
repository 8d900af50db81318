//! The pulldown-cmark event stream every Markdown parse here uses, with two math fixes.
//!
//! * `\(…\)` and `\[…\]` (the delimiters most models use) become inline and display math.
//!   CommonMark reads `\(` as an escaped `(`, so pulldown-cmark reports text starting with
//!   `(` right after a backslash; such an opener and its matching closer in the same inline
//!   context are replaced by one math event holding the TeX between them, taken verbatim
//!   from the source line by line (a line break is a newline; what precedes a continuation
//!   line's text, such as a quote's `>` marker, is not TeX). A code span, raw HTML or `$`
//!   math crossing a line inside the pair makes it text: its line's start is not known.
//! * Inline `$…$` whose closing `$` is directly followed by a digit stays text (Pandoc's
//!   rule), so prices like `$5-$10` are not math. pulldown-cmark already refuses a closing
//!   `$` after a space (`$5 and $10`).
//!
//! Each event is buffered at most once, and a bracket pair is only searched for within
//! [`MAX_BRACKET_MATH`] bytes, so the work stays linear.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, OffsetIter, Parser, Tag};

use crate::tree::parser_options;

/// Longest `\(…\)` or `\[…\]` (in bytes) recognized as math.
const MAX_BRACKET_MATH: usize = 8 * 1024;

/// An event and the source range it came from.
pub(crate) type Spanned<'a> = (Event<'a>, Range<usize>);

/// Parses `src` with the product's options and the math fixes above.
pub(crate) fn events(src: &str) -> MathEvents<'_> {
    MathEvents {
        src,
        inner: Parser::new_ext(src, parser_options()).into_offset_iter(),
        ready: VecDeque::new(),
    }
}

/// Iterator of [`Spanned`] events; see the module documentation.
pub(crate) struct MathEvents<'a> {
    /// The Markdown source, for offsets and verbatim TeX.
    src: &'a str,
    /// pulldown-cmark's events.
    inner: OffsetIter<'a>,
    /// Events already read ahead and to be returned as they are.
    ready: VecDeque<Spanned<'a>>,
}

impl<'a> Iterator for MathEvents<'a> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Spanned<'a>> {
        if let Some(item) = self.ready.pop_front() {
            return Some(item);
        }
        let (event, range) = self.inner.next()?;
        match event {
            Event::InlineMath(_) if self.digit_at(range.end) => Some((
                Event::Text(CowStr::Borrowed(&self.src[range.clone()])),
                range,
            )),
            Event::Text(ref text) => match self.bracket_opener(text, &range) {
                Some(closer) => Some(self.bracket_math((event, range), closer)),
                None => Some((event, range)),
            },
            other => Some((other, range)),
        }
    }
}

impl<'a> MathEvents<'a> {
    /// True when the source has an ASCII digit at byte `at`.
    fn digit_at(&self, at: usize) -> bool {
        self.src.as_bytes().get(at).is_some_and(u8::is_ascii_digit)
    }

    /// True when the text event at `range` starts with `c` escaped by a backslash.
    fn escaped(&self, text: &str, range: &Range<usize>, c: char) -> bool {
        text.starts_with(c)
            && self.src[range.start..].starts_with(c)
            && range.start > 0
            && self.src.as_bytes()[range.start - 1] == b'\\'
    }

    /// `at`, or the backslash right before it (text that starts with an escaped character).
    fn escape_start(&self, at: usize) -> usize {
        if at > 0 && self.src.as_bytes()[at - 1] == b'\\' {
            at - 1
        } else {
            at
        }
    }

    /// The closer to look for when this text event opens bracket math.
    fn bracket_opener(&self, text: &str, range: &Range<usize>) -> Option<char> {
        if self.escaped(text, range, '(') {
            Some(')')
        } else if self.escaped(text, range, '[') {
            Some(']')
        } else {
            None
        }
    }

    /// Reads ahead from an opener for its closer in the same inline context. Returns the
    /// math event (queuing the text after the closer), or the opener itself (queuing what
    /// was read) when there is no closer.
    fn bracket_math(&mut self, opener: Spanned<'a>, closer: char) -> Spanned<'a> {
        let start = opener.1.start;
        let mut buffered = vec![opener];
        let mut depth = 0usize;
        // The TeX of the lines before the current one, and where the current line's TeX
        // begins (`None` right after a line break: at the next event).
        let mut earlier_lines = String::new();
        let mut line_start = Some(start + 1);
        while let Some((event, range)) = self.inner.next() {
            if range.end.saturating_sub(start) > MAX_BRACKET_MATH {
                buffered.push((event, range));
                break;
            }
            // A line's first event may be an escaped character: its backslash is TeX too.
            let line_from = *line_start.get_or_insert_with(|| self.escape_start(range.start));
            match &event {
                // A closer inside emphasis that began after the opener is not its match
                // (the pair would swallow the emphasis' start but not its end).
                Event::Text(text) if depth == 0 && self.escaped(text, &range, closer) => {
                    let last_line = &self.src[line_from..range.start - 1];
                    let tex = if earlier_lines.is_empty() {
                        CowStr::Borrowed(last_line)
                    } else {
                        earlier_lines.push_str(last_line);
                        CowStr::Boxed(std::mem::take(&mut earlier_lines).into_boxed_str())
                    };
                    let math = if closer == ')' {
                        Event::InlineMath(tex)
                    } else {
                        Event::DisplayMath(tex)
                    };
                    let after = &text[closer.len_utf8()..];
                    if !after.is_empty() {
                        let rest = Event::Text(CowStr::Boxed(after.into()));
                        self.ready.push_back((rest, range.start + 1..range.end));
                    }
                    return (math, start - 1..range.start + 1);
                }
                Event::SoftBreak | Event::HardBreak => {
                    let newline = self.src[range.clone()].find('\n').unwrap_or(0);
                    earlier_lines.push_str(&self.src[line_from..range.start + newline]);
                    earlier_lines.push('\n');
                    line_start = None;
                }
                // A code span, raw HTML or `$` math across lines: where its continuation
                // line's text starts (after a quote's `>` or an item's indentation) is not
                // reported, so the TeX cannot be taken line by line; no math then.
                Event::Code(_)
                | Event::InlineHtml(_)
                | Event::InlineMath(_)
                | Event::DisplayMath(_)
                    if self.src[range.clone()].contains('\n') =>
                {
                    buffered.push((event, range));
                    break;
                }
                Event::Start(tag) if is_inline(tag) => depth += 1,
                Event::End(_) if depth > 0 => depth -= 1,
                Event::Start(_) | Event::End(_) => {
                    buffered.push((event, range));
                    break;
                }
                _ => {}
            }
            buffered.push((event, range));
        }
        let mut buffered = buffered.into_iter();
        let first = buffered.next();
        self.ready.extend(buffered);
        first.unwrap_or((Event::Text(CowStr::Borrowed("")), start..start))
    }
}

/// True for tags that live inside a paragraph.
fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

#[cfg(test)]
mod tests {
    use super::events;
    use pulldown_cmark::Event;

    /// The math events of `src` as (display, tex).
    fn math(src: &str) -> Vec<(bool, String)> {
        events(src)
            .filter_map(|(event, _)| match event {
                Event::InlineMath(tex) => Some((false, tex.to_string())),
                Event::DisplayMath(tex) => Some((true, tex.to_string())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn dollar_and_bracket_delimiters() {
        assert_eq!(math("a $x^2$ b"), [(false, "x^2".to_string())]);
        assert_eq!(
            math("$$\\frac{a}{b}$$"),
            [(true, "\\frac{a}{b}".to_string())]
        );
        assert_eq!(math("a \\(x^2\\) b"), [(false, "x^2".to_string())]);
        assert_eq!(
            math("\\[\nx *y* z\n\\]"),
            [(true, "\nx *y* z\n".to_string())]
        );
        assert_eq!(math("\\(a*b*c\\) and \\(d\\)").len(), 2);
        // Across lines of a quote or list item, the markers before each line are not TeX.
        assert_eq!(
            math("> \\[ a +\n> \\{b\\} \\]"),
            [(true, " a +\n\\{b\\} ".to_string())]
        );
        assert_eq!(math("- \\(x\n  = y\\)"), [(false, "x\n= y".to_string())]);
        // ... but a code span across those lines hides where the next line's TeX starts.
        assert!(math("> \\[ a `b\n> c` \\]").is_empty());
        assert_eq!(math("\\[ a `b c` \\]"), [(true, " a `b c` ".to_string())]);
    }

    #[test]
    fn prices_are_not_math() {
        assert!(math("It costs $5 and $10.").is_empty());
        assert!(math("Between $5-$10 today").is_empty());
        assert!(math("$5, $10, and $20").is_empty());
        assert!(math("US$ 5 or $ 10").is_empty());
    }

    #[test]
    fn unmatched_or_escaped_brackets_stay_text() {
        assert!(math("a \\( b").is_empty());
        assert!(math("a \\\\(x\\\\) b").is_empty());
        assert!(math("`\\(c\\)`").is_empty());
        assert!(math("\\( a\n\nb \\)").is_empty());
        assert!(math("*a \\( b* c \\)").is_empty());
        assert!(math("\\[ a **b \\] c** d").is_empty());
        assert_eq!(
            math("\\[ a **b \\] c** \\]"),
            [(true, " a **b \\] c** ".to_string())]
        );
        let nodes = crate::parse_to_nodes("1. # \\[ a **b \\]** \n2. c");
        assert!(
            matches!(nodes.as_slice(), [crate::MdNode::OrderedList { children, .. }] if children.len() == 2),
            "a closer inside later emphasis leaves the tree balanced: {nodes:?}"
        );
        let text: String = events("a \\( b")
            .filter_map(|(event, _)| match event {
                Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(text, "a ( b");
    }
}
