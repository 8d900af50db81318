//! Completes unfinished inline syntax at the end of the last paragraph.
//!
//! A small left-to-right scanner approximates CommonMark's delimiter rules
//! well enough for display: it tracks open code spans, math spans (when the
//! parser has math on, see [`crate::heal::math`]), `*`/`_`/`~~` openers,
//! brackets of links and images, and a link destination being typed. The
//! text is then repaired in a few passes, each of which only shortens it: a
//! half-typed link keeps just its text, a half-typed image disappears,
//! dangling `[` are dropped, and finally open code spans, math and emphasis
//! are closed in reverse order (a bare opener with nothing after it is
//! dropped instead, and so is a lone trailing `$`). A cut never changes the
//! blocks around it: text first on its line does not move right (into an
//! item or code), and a line left without content, or left starting with
//! block syntax it did not start with, keeps an invisible zero-width space
//! (an emptied `- ` under a paragraph would be a setext underline, `[1. a`
//! cut to `1. a` a list item).

use pulldown_cmark::{Event, Parser, Tag};

use crate::heal::emphasis::{handle_delimiter_run, Opener, OpenerStack};
use crate::heal::math::{MathScanner, MathSpan, OpenMath};
use crate::tree::parser_options;

/// Upper bound on repair passes (each pass shortens the text).
const MAX_PASSES: usize = 8;

/// An unclosed `[` or `![`.
#[derive(Clone, Copy, Debug)]
struct Bracket {
    /// Byte offset of the `[` (or of the `!` for an image).
    pos: usize,
    /// True for `![`.
    image: bool,
}

/// What a scan found that needs repairing, most urgent first.
enum Repair {
    /// A link or image whose `](url` (or just `]`) is still being typed:
    /// keep the text before `pos` plus, for a link, its visible text.
    HalfTypedLink {
        /// Where the `[` / `![` starts.
        pos: usize,
        /// Visible link text range (empty for images).
        text: std::ops::Range<usize>,
    },
    /// Byte offsets to delete (dangling `[`, ascending), or a truncation point for a
    /// dangling `![` or an unfinished `<autolink`.
    Remove {
        /// Single bytes to delete.
        bytes: Vec<usize>,
        /// Truncate here if set.
        truncate_at: Option<usize>,
    },
    /// Nothing to cut: close what is still open.
    Close {
        /// The code span or math span the text ends inside, if any.
        literal: Option<OpenLiteral>,
        /// Open emphasis, innermost last.
        openers: Vec<Opener>,
        /// A lone `$` at the very end that opens nothing (yet): dropped.
        dangling_dollar: Option<usize>,
    },
}

/// A span whose content is literal (no emphasis inside) and whose closer is missing.
#[derive(Clone, Copy, Debug)]
enum OpenLiteral {
    /// A code span opened by this many backticks.
    Code(usize),
    /// Inline or display math.
    Math(OpenMath),
}

/// Returns `segment` with its unfinished inline syntax completed; `math` says whether the
/// parser reads `$…$` and `$$…$$` as math.
pub(crate) fn heal_inline(segment: &str, math: bool) -> String {
    let mut text = strip_trailing_markers(segment).to_string();
    for _ in 0..MAX_PASSES {
        match scan(&text, math) {
            Repair::HalfTypedLink { pos, text: visible } => {
                let mut visible = &text[visible];
                if first_on_line(&text, pos) {
                    // As for a dangling `[`: the text must not move further right.
                    visible = visible.trim_start_matches([' ', '\t']);
                }
                let mut kept = text[..pos].to_string();
                hold_line(&mut kept, visible);
                kept.push_str(visible);
                text = strip_trailing_markers(&kept).to_string();
            }
            Repair::Remove { bytes, truncate_at } => {
                let end = truncate_at.unwrap_or(text.len());
                let mut kept = String::with_capacity(end);
                let mut from = 0;
                for &pos in &bytes {
                    if pos >= end {
                        break;
                    }
                    kept.push_str(&text[from..pos]);
                    from = pos + 1 + bracket_spaces(&kept, &text[pos + 1..end]);
                    hold_line(&mut kept, &text[from..end]);
                }
                kept.push_str(&text[from.min(end)..end]);
                if end < text.len() {
                    hold_line(&mut kept, "");
                }
                text = strip_trailing_markers(&kept).to_string();
            }
            Repair::Close {
                literal,
                openers,
                dangling_dollar,
            } => return close(text, literal, &openers, dangling_dollar),
        }
    }
    text
}

/// How many spaces after a dangling `[` go with it, given the text `kept` before it (with
/// earlier cuts made) and the text `after` it: none, unless the bracket is first on its line
/// — deleting only the bracket would indent the line's text further, which can move it into
/// a list item or make it code.
fn bracket_spaces(kept: &str, after: &str) -> usize {
    let line_start = kept.rfind('\n').map_or(0, |i| i + 1);
    if !kept[line_start..].bytes().all(|b| b == b' ' || b == b'\t') {
        return 0;
    }
    after.len() - after.trim_start_matches([' ', '\t']).len()
}

/// Invisible text that keeps a line's content when what was on it is cut: a zero-width
/// space is no whitespace to CommonMark.
const LINE_HOLDER: char = '\u{200B}';

/// Called where text was cut from `kept`'s last line, with `after` the text that follows the
/// cut: when the cut leaves the rest of the line first on it (only indentation and quote
/// markers before it) and that rest could change the blocks around it, holds the line with
/// [`LINE_HOLDER`], so the line stays the text it will be once the link is typed. An emptied
/// line would change them: `- [` becoming `- ` turns the paragraph above into a setext
/// heading, `1. [` an item into paragraph text, a line of its own a paragraph break. So would
/// a rest that starts a block (`[1. a` becoming an item, `[# a` a heading) or that underlines
/// the paragraph above or makes it a table header (`- [|` under `a |` becoming `- |`).
fn hold_line(kept: &mut String, after: &str) {
    let line_start = kept.rfind('\n').map_or(0, |i| i + 1);
    let rest = after.split('\n').next().unwrap_or("");
    let blank = kept[line_start..]
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '>'));
    if blank && could_change_blocks(rest) {
        kept.push(LINE_HOLDER);
    }
}

/// Whether `rest`, first on its line, could change the blocks around it: it is empty (or
/// quote markers only), starts a block of its own, or is made only of the characters of a
/// setext underline or a table delimiter row.
fn could_change_blocks(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest
        .chars()
        .all(|c| matches!(c, '|' | '-' | ':' | '=' | '>' | ' ' | '\t'))
    {
        return true;
    }
    !matches!(
        Parser::new_ext(rest, parser_options()).next(),
        Some(Event::Start(Tag::Paragraph))
    )
}

/// True when only spaces or tabs precede byte `pos` on its line.
fn first_on_line(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..pos]
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
}

/// Appends closers for an open code or math span and open emphasis.
fn close(
    mut text: String,
    literal: Option<OpenLiteral>,
    openers: &[Opener],
    dangling_dollar: Option<usize>,
) -> String {
    match literal {
        Some(OpenLiteral::Code(len)) => text.push_str(&"`".repeat(len)),
        Some(OpenLiteral::Math(math)) => {
            // A closing `$` may not follow whitespace.
            text.truncate(text.trim_end().len());
            if text.len() > math.pos + math.marker_len() {
                text.push_str(&"$".repeat(math.marker_len()));
            } else {
                text.truncate(math.pos);
                text.truncate(text.trim_end().len());
            }
        }
        None => {
            if let Some(pos) = dangling_dollar {
                text.truncate(pos);
            }
            text.truncate(text.trim_end().len());
        }
    }
    for opener in openers.iter().rev() {
        let content_start = opener.pos + opener.len;
        let has_content = text
            .get(content_start..)
            .is_some_and(|content| !content.trim().is_empty());
        if has_content {
            text.push_str(&(opener.marker as char).to_string().repeat(opener.len));
        } else {
            text.truncate(opener.pos);
        }
    }
    text
}

/// Drops trailing delimiter characters and a lone trailing backslash: they
/// are either a closer that will be re-added or an opener not yet followed
/// by anything.
pub(crate) fn strip_trailing_markers(text: &str) -> &str {
    let stripped = text.trim_end_matches(['*', '_', '~', '`']);
    let backslashes = stripped.len() - stripped.trim_end_matches('\\').len();
    if backslashes % 2 == 1 {
        &stripped[..stripped.len() - 1]
    } else {
        stripped
    }
}

/// Scans `text` and decides on the next repair.
fn scan(text: &str, math: bool) -> Repair {
    let bytes = text.as_bytes();
    let mut openers = OpenerStack::default();
    let mut brackets: Vec<Bracket> = Vec::new();
    let mut code: Option<usize> = None;
    let mut math_scanner = MathScanner::default();
    let mut open_math: Option<OpenMath> = None;
    let mut dangling_dollar: Option<usize> = None;
    let mut pending_angle: Option<usize> = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if let Some(open_len) = code {
            let run = run_length(bytes, index, b'`');
            if run > 0 {
                if run == open_len {
                    code = None;
                }
                index += run;
            } else {
                index += 1;
            }
            continue;
        }
        match byte {
            b'\\' if math => match math_scanner.bracket_end(text, index) {
                Some(end) => {
                    pending_angle = None;
                    index = end;
                }
                None => index += 2,
            },
            b'\\' => index += 2,
            b'`' => {
                let run = run_length(bytes, index, b'`');
                code = Some(run);
                pending_angle = None;
                index += run;
            }
            b'$' if math => match math_scanner.at(text, index) {
                MathSpan::Closed { end } => {
                    pending_angle = None;
                    index = end;
                }
                MathSpan::Open(span) => {
                    open_math = Some(span);
                    break;
                }
                MathSpan::Literal => {
                    if index + 1 == bytes.len() {
                        dangling_dollar = Some(index);
                    }
                    index += 1;
                }
            },
            b'*' | b'_' | b'~' => {
                let run = run_length(bytes, index, byte);
                handle_delimiter_run(text, index, run, &mut openers);
                index += run;
            }
            b'!' if bytes.get(index + 1) == Some(&b'[') => {
                brackets.push(Bracket {
                    pos: index,
                    image: true,
                });
                index += 2;
            }
            b'[' => {
                brackets.push(Bracket {
                    pos: index,
                    image: false,
                });
                index += 1;
            }
            b']' => {
                let Some(bracket) = brackets.pop() else {
                    index += 1;
                    continue;
                };
                // Emphasis cannot pair across a bracket boundary.
                openers.truncate_from(bracket.pos);
                let text_start = bracket.pos + if bracket.image { 2 } else { 1 };
                let half_typed = Repair::HalfTypedLink {
                    pos: bracket.pos,
                    text: if bracket.image {
                        0..0
                    } else {
                        text_start..index
                    },
                };
                match bytes.get(index + 1) {
                    None => return half_typed,
                    Some(b'(') => match destination_end(bytes, index + 2) {
                        Some(close) => index = close + 1,
                        None => return half_typed,
                    },
                    Some(_) => index += 1,
                }
            }
            b'<' => {
                pending_angle = Some(index);
                index += 1;
            }
            b'>' | b' ' | b'\t' | b'\n' | b'\r' => {
                pending_angle = None;
                index += 1;
            }
            _ => index += 1,
        }
    }
    if !brackets.is_empty() || pending_angle.is_some() {
        let first_image = brackets.iter().find(|b| b.image).map(|b| b.pos);
        let truncate_at = match (first_image, pending_angle) {
            (Some(image), Some(angle)) => Some(image.min(angle)),
            (image, angle) => image.or(angle),
        };
        let bytes = brackets
            .iter()
            .filter(|b| !b.image)
            .map(|b| b.pos)
            .collect();
        return Repair::Remove { bytes, truncate_at };
    }
    let literal = match (open_math, code) {
        (Some(span), _) => Some(OpenLiteral::Math(span)),
        (None, Some(len)) => Some(OpenLiteral::Code(len)),
        (None, None) => None,
    };
    Repair::Close {
        literal,
        openers: openers.items,
        dangling_dollar,
    }
}

/// Length of the run of `byte` starting at `index`.
fn run_length(bytes: &[u8], index: usize, byte: u8) -> usize {
    bytes[index..].iter().take_while(|b| **b == byte).count()
}

/// Index of the `)` that ends a link destination starting at `start`, if
/// present: balances parentheses, honours `<…>` and backslash escapes.
fn destination_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = start;
    let mut in_angle = bytes.get(start) == Some(&b'<');
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            b'>' if in_angle => in_angle = false,
            b'(' if !in_angle => depth += 1,
            b')' if !in_angle => {
                if depth == 0 {
                    return Some(index);
                }
                depth -= 1;
            }
            _ => {}
        }
        index += 1;
    }
    None
}

#[cfg(test)]
mod tests;
