//! Display-time completion of the unfinished tail of a streamed answer.
//!
//! While an answer streams, its tail often ends inside a construct: an open
//! code fence, `**bold`, an inline `` `code``, a link whose URL is still
//! being typed. Rendered as-is, raw markers would flash on screen until the
//! closing syntax arrives. [`complete_tail`] closes such constructs or drops
//! the dangling opener so the tail renders the way it will most likely look
//! when finished. It is only ever applied to the tail, never to frozen
//! blocks, and its output is only displayed, never stored.
//!
//! A block quote at the end is completed through its content ([`crate::heal::quote`]).
//! Fences and table rows are found with a line scan; everything else is
//! completed in the tail's last inline run, which the parser finds
//! ([`crate::heal::inline_run`]), so nothing is closed across a block boundary. With
//! math on in the parser, `$$ …` display math being typed is closed too, and its
//! `|x|` lines are not mistaken for table rows while it is open (a list item or
//! another block start still ends it: math is inline).

pub(crate) mod emphasis;
pub(crate) mod inline;
pub(crate) mod inline_run;
pub(crate) mod math;
pub(crate) mod quote;
pub(crate) mod table;

use pulldown_cmark::Options;

use crate::heal::inline::{heal_inline, strip_trailing_markers};
use crate::heal::inline_run::{tail_end, TailEnd};
use crate::heal::quote::{requote, trailing_quote};
use crate::heal::table::{
    cell_count, delimiter_row, is_valid_delimiter_row, looks_like_delimiter_row,
};
use crate::lines::{
    closes_fence, fence_opening, indent_columns, is_blank, is_list_item_line, item_content_column,
    may_become_closer, Fence,
};
use crate::tree::parser_options;

/// Returns a display version of `tail` with unfinished syntax completed, for the syntax the
/// product's parser reads (math only if it has math on).
pub fn complete_tail(tail: &str) -> String {
    complete_tail_with(tail, parser_options().contains(Options::ENABLE_MATH))
}

/// [`complete_tail`] for a parser with (`math`) or without `$` math.
pub fn complete_tail_with(tail: &str, math: bool) -> String {
    // A block quote at the end is completed through its content, like a tail of its own.
    if let Some(quote) = trailing_quote(tail) {
        let content = complete_tail_with(&quote.content, math);
        return format!("{}{}", &tail[..quote.start], requote(&content));
    }
    let mut fence = None;
    // Inside `$$` display math that began in the current paragraph.
    let mut in_display_math = false;
    let mut segment_start = 0;
    let mut previous_kind = LineKind::Other;
    let mut line_start = 0;
    // Start offsets of the consecutive table-row lines ending at the current line.
    let mut row_starts: Vec<usize> = Vec::new();
    // Whether a list item line was seen (an indented line may then be item content, not code).
    let mut seen_list_item = false;
    // Content column of the list item the current line may belong to (0: none).
    let mut item_column = 0;
    // Whether the line before is paragraph text, which a plain line continues lazily (staying
    // in the paragraph's list item however little it is indented).
    let mut paragraph_open = false;
    for line in tail.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let is_last_incomplete = !line.ends_with('\n');
        if fence
            .as_ref()
            .is_some_and(|open: &Fence| open.is_left_by(line))
        {
            fence = None;
        }
        if let Some(open) = &fence {
            if is_last_incomplete && may_become_closer(open, line) {
                return format!("{}{}", &tail[..line_start], open.closer());
            }
            if closes_fence(open, line) {
                fence = None;
                segment_start = line_end;
            }
            previous_kind = LineKind::Other;
            paragraph_open = false;
            line_start = line_end;
            continue;
        }
        // An indented code line: a line indented 4+ columns where no paragraph is open (at the
        // start of a segment or after a heading; elsewhere it would be a continuation line).
        // Its text is code, never completed.
        let indented_code = !seen_list_item
            && !in_display_math
            && (line_start == segment_start || previous_kind == LineKind::Heading)
            && !is_blank(line)
            && indent_columns(line) >= 4;
        let kind = match classify(line) {
            // A `***` line keeps its text either way (as code here, as a rule in an item).
            LineKind::Ends if indented_code => LineKind::Ends,
            _ if indented_code => LineKind::Other,
            // A `|` line inside `$$` math is math (`|x|`), not a table row being typed.
            LineKind::Row if in_display_math => LineKind::Other,
            kind => kind,
        };
        // Math is inline: a line that starts a block (list item, heading, quote, rule,
        // setext underline) ends the paragraph and any `$$` left open in it.
        let starts_block = match kind {
            LineKind::Starts | LineKind::Heading | LineKind::Ends => true,
            LineKind::Quote => previous_kind != LineKind::Quote,
            LineKind::Row | LineKind::Other => false,
        };
        if starts_block {
            in_display_math = false;
        }
        seen_list_item |= kind == LineKind::Starts;
        let opening = fence_opening(line).filter(|_| !indented_code);
        let lazy = paragraph_open && kind == LineKind::Other && opening.is_none();
        if kind == LineKind::Starts {
            item_column = item_content_column(line).unwrap_or(0);
        } else if !is_blank(line) && !lazy && indent_columns(line) < item_column {
            item_column = 0;
        }
        paragraph_open = !indented_code
            && opening.is_none()
            && match kind {
                LineKind::Other => !is_blank(line),
                LineKind::Starts => item_content_column(line)
                    .and_then(|column| line.get(column..))
                    .is_some_and(|content| !is_blank(content)),
                _ => false,
            };
        if math
            && !indented_code
            && !is_blank(line)
            && !line.matches("$$").count().is_multiple_of(2)
        {
            in_display_math = !in_display_math;
        }
        if kind == LineKind::Row {
            row_starts.push(line_start);
        } else {
            row_starts.clear();
        }
        if is_blank(line) {
            segment_start = line_end;
            in_display_math = false;
        } else if indented_code {
            segment_start = line_end;
        } else if let Some(mut opening) = opening {
            in_display_math = false;
            // A fence on an item's continuation line is in that item and ends with it.
            if opening.item_indent == 0 && item_column > 0 && !opening.quoted {
                opening.item_indent = item_column;
            }
            fence = Some(opening);
        } else {
            match kind {
                LineKind::Ends => segment_start = line_end,
                LineKind::Starts | LineKind::Row | LineKind::Heading => {
                    segment_start = line_start;
                }
                LineKind::Quote if previous_kind != LineKind::Quote => segment_start = line_start,
                _ if previous_kind == LineKind::Heading => segment_start = line_start,
                _ => {}
            }
        }
        previous_kind = kind;
        line_start = line_end;
    }
    if let Some(open) = fence {
        let separator = if tail.ends_with('\n') { "" } else { "\n" };
        return format!("{tail}{separator}{}", open.closer());
    }
    match row_starts.as_slice() {
        [header] => complete_table_header(tail, *header, math),
        [.., header, delimiter] => complete_table_delimiter(tail, *header, *delimiter, math),
        _ => complete_inline(tail, previous_kind, math),
    }
}

/// Completes the tail's last inline run, if it ends in one. Markers at the very end (`*`,
/// `_`, `~`, `` ` ``) are set aside first: being typed, they open nothing yet, and left in
/// place a lone `*` after `1. ` would show as a nested empty list. A literal block keeps its
/// text, and so does a thematic break (`***`) being typed.
fn complete_inline(tail: &str, last_kind: LineKind, math: bool) -> String {
    let stripped = strip_trailing_markers(tail);
    match tail_end(stripped) {
        TailEnd::Inline(run_start) => {
            let mut completed = stripped[..run_start].to_string();
            completed.push_str(&heal_inline(&stripped[run_start..], math));
            completed
        }
        TailEnd::Boundary if last_kind != LineKind::Ends => stripped.to_string(),
        TailEnd::Boundary | TailEnd::Literal => tail.to_string(),
    }
}

/// The tail ends with what may be a table header row: show it as a table
/// by adding a delimiter row.
fn complete_table_header(tail: &str, header_start: usize, math: bool) -> String {
    let header = heal_inline(&tail[header_start..], math);
    if is_empty_row(&header) {
        return tail[..header_start].to_string();
    }
    let cells = cell_count(&header);
    format!(
        "{}{header}\n{}",
        &tail[..header_start],
        delimiter_row(cells)
    )
}

/// The tail ends with the second row of a table. If the table has no valid
/// delimiter row yet (it is being typed), replace it with a synthesized one.
fn complete_table_delimiter(
    tail: &str,
    header_start: usize,
    row_start: usize,
    math: bool,
) -> String {
    let header = &tail[header_start..row_start];
    let row = &tail[row_start..];
    let cells = cell_count(header);
    let table_started = tail[..header_start]
        .lines()
        .next_back()
        .is_some_and(|line| classify(line) == LineKind::Row);
    if table_started || is_valid_delimiter_row(row, cells) || !looks_like_delimiter_row(row) {
        let mut completed = tail[..row_start].to_string();
        if !is_empty_row(row) {
            completed.push_str(&heal_inline(row, math));
        }
        return completed;
    }
    format!("{}{header}{}", &tail[..header_start], delimiter_row(cells))
}

/// True for a row with no cell content yet (only pipes and spaces).
fn is_empty_row(row: &str) -> bool {
    row.chars().all(|c| c == '|' || c.is_whitespace())
}

/// Coarse kind of a line, for finding where the last inline context begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    /// An ATX heading: a single-line block, so the next line starts afresh.
    Heading,
    /// A block quote line (quote lines continue one paragraph).
    Quote,
    /// A line that starts a new block: a list item.
    Starts,
    /// A table row (a line starting with `|`).
    Row,
    /// A line that ends the inline context: thematic break or setext underline.
    Ends,
    /// Anything else (paragraph text, continuation lines).
    Other,
}

/// Classifies one line.
fn classify(line: &str) -> LineKind {
    let trimmed = line.trim();
    let content = line.trim_start_matches(' ');
    if content.starts_with('#') {
        LineKind::Heading
    } else if content.starts_with('>') {
        LineKind::Quote
    } else if is_break_line(trimmed) {
        LineKind::Ends
    } else if content.starts_with('|') {
        LineKind::Row
    } else if is_list_item_line(line) {
        LineKind::Starts
    } else {
        LineKind::Other
    }
}

/// True for `---`, `***`, `___`, `===` style lines (spaces allowed between).
fn is_break_line(trimmed: &str) -> bool {
    let Some(first) = trimmed.chars().next() else {
        return false;
    };
    matches!(first, '-' | '*' | '_' | '=')
        && trimmed.chars().all(|c| c == first || c == ' ' || c == '\t')
        && trimmed.chars().filter(|c| *c == first).count() >= 3
}

#[cfg(test)]
mod tests {
    use crate::complete_tail;

    #[test]
    fn indented_code_is_never_completed() {
        let tail = "Intro.\n\n    x = [ *y\n\tz `w\ntext [a";
        let completed = complete_tail(tail);
        assert!(
            completed.starts_with("Intro.\n\n    x = [ *y\n\tz `w\ntext"),
            "{completed:?}"
        );
        assert_eq!(
            complete_tail("## H\n    [x"),
            "## H\n    [x",
            "after a heading"
        );
        // Inside a list item an indented line is item text, completed as usual.
        assert_eq!(complete_tail("- a\n\n    **b"), "- a\n\n    **b**");
    }

    #[test]
    fn closes_an_open_backtick_fence() {
        assert_eq!(complete_tail("```rust\nfn main"), "```rust\nfn main\n```");
        assert_eq!(complete_tail("```rust\nfn main\n"), "```rust\nfn main\n```");
    }

    #[test]
    fn closes_an_open_tilde_fence_with_the_same_length() {
        assert_eq!(complete_tail("~~~~\ncode"), "~~~~\ncode\n~~~~");
    }

    #[test]
    fn a_half_typed_closing_fence_is_replaced() {
        assert_eq!(complete_tail("```\ncode\n``"), "```\ncode\n```");
    }

    #[test]
    fn an_opening_fence_being_typed_becomes_an_empty_block() {
        assert_eq!(complete_tail("text\n\n```py"), "text\n\n```py\n```");
    }

    #[test]
    fn a_fence_in_a_list_item_closes_inside_the_item() {
        assert_eq!(
            complete_tail("- item\n  ```\n  code"),
            "- item\n  ```\n  code\n  ```"
        );
        let nodes = crate::parse_to_nodes(&complete_tail("1. one\n   ```\n   x\n"));
        assert_eq!(nodes.len(), 1, "no stray block after the list: {nodes:?}");
        // Opened on the item's continuation line, the fence still ends with the item.
        assert_eq!(complete_tail("1. one\n   ~~~\n2."), "1. one\n   ~~~\n2.");
        // A lazy line (indented less than the item's content) stays in the item's paragraph,
        // so a fence after it is still in the item (found by the marker-soup fuzz).
        assert_eq!(complete_tail("- a\n b\n  ```\n- c"), "- a\n b\n  ```\n- c");
        // Without a paragraph to continue, a less indented line does leave the item.
        assert_eq!(
            complete_tail("- a\n\n b\n  ```\n- c"),
            "- a\n\n b\n  ```\n- c\n  ```"
        );
    }

    #[test]
    fn fences_in_quotes_close_inside_the_quote() {
        assert_eq!(complete_tail("> ```\n> code"), "> ```\n> code\n> ```");
    }

    #[test]
    fn a_quote_is_completed_through_its_content() {
        assert_eq!(complete_tail("> a **b"), "> a **b**");
        assert_eq!(
            complete_tail("Intro.\n\n> | a | b |"),
            "Intro.\n\n> | a | b |\n> | --- | --- |"
        );
        assert_eq!(complete_tail("> > x `y"), "> > x `y`");
        // A lazy line leaves the quote to the line scan.
        assert_eq!(complete_tail("> a\nb **c"), "> a\nb **c**");
    }

    #[test]
    fn a_closed_fence_is_left_alone() {
        assert_eq!(complete_tail("```\n**a\n```\n"), "```\n**a\n```\n");
    }

    #[test]
    fn emphasis_in_a_finished_heading_does_not_leak() {
        assert_eq!(
            complete_tail("# **Title\nsome *text"),
            "# **Title\nsome *text*"
        );
    }

    #[test]
    fn a_table_header_being_typed_gets_a_delimiter_row() {
        assert_eq!(complete_tail("| a | **b"), "| a | **b**\n| --- | --- |");
        assert_eq!(complete_tail("| a | b |\n|:-"), "| a | b |\n| --- | --- |");
        assert_eq!(
            complete_tail("| a | b |\n|:-|-:|\n| 1"),
            "| a | b |\n|:-|-:|\n| 1"
        );
    }

    #[test]
    fn inline_healing_stays_out_of_code() {
        assert_eq!(complete_tail("```\n*a\n"), "```\n*a\n```");
    }

    #[test]
    fn display_math_being_typed_is_closed_and_its_lines_stay_math() {
        use super::complete_tail_with;
        assert_eq!(
            complete_tail_with("Text\n\n$$\n\\frac{a}{b}\n", true),
            "Text\n\n$$\n\\frac{a}{b}$$"
        );
        assert_eq!(complete_tail_with("$$\n|x| = 1", true), "$$\n|x| = 1$$");
        // A list item interrupts the paragraph the `$$` opened (math is inline).
        assert_eq!(complete_tail_with("$$\n- x", true), "$$\n- x");
        assert_eq!(complete_tail_with("- $$a\n- b", true), "- $$a\n- b");
        assert_eq!(complete_tail_with("- a\n- $$x", true), "- a\n- $$x$$");
        assert_eq!(complete_tail_with("So:\n\n$$", true), "So:\n\n");
    }

    #[test]
    fn finished_display_math_is_left_alone() {
        use super::complete_tail_with;
        let done = "$$\n|x|\n$$\n\n| a |\n| - |\n| $x$ |";
        assert_eq!(complete_tail_with(done, true), done);
    }
}
