//! Cheap line-level Markdown classification shared by the block freezer and
//! the tail completer.
//!
//! These are heuristics, not a parser: the freezer only uses them to pick
//! candidate split points (each one is then verified with pulldown-cmark),
//! and the tail completer only uses them to decide how to display an
//! unfinished answer. A wrong guess costs a little speed or a slightly odd
//! transient rendering, never correctness of frozen blocks.

/// An open fenced code block (```` ``` ```` or `~~~`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fence {
    /// The fence character, `` ` `` or `~`; the closing fence must use it.
    pub(crate) marker: char,
    /// Length of the opening run; the closing run must be at least as long.
    pub(crate) len: usize,
    /// Container prefix a closing fence needs (`"> "` in a quote, spaces in a
    /// list item), so a synthesized closer lands in the same container.
    pub(crate) closer_prefix: String,
    /// Whether the fence opened inside a block quote (a line without `>` ends the quote, and
    /// with it the fence: code has no lazy continuation).
    pub(crate) quoted: bool,
    /// Content column of the list item the fence opened in (0: none); a non-blank line
    /// indented less ends the item, and with it the fence.
    pub(crate) item_indent: usize,
}

impl Fence {
    /// Whether `line` ends the container the fence is in (so the fence ends unclosed).
    pub(crate) fn is_left_by(&self, line: &str) -> bool {
        let undecided = is_blank(line) && !line.ends_with('\n');
        if undecided {
            return false;
        }
        if self.quoted {
            return !strip_up_to_three_spaces(line).starts_with('>');
        }
        self.item_indent > 0 && !is_blank(line) && indent_columns(line) < self.item_indent
    }

    /// The closing fence line (without newline) for this fence.
    pub(crate) fn closer(&self) -> String {
        let run: String = std::iter::repeat_n(self.marker, self.len).collect();
        format!("{}{run}", self.closer_prefix)
    }
}

/// The complete lines (each ending in `\n`) of `text` from byte offset `from` (a line start),
/// with their start offsets; an unfinished last line is left out.
pub(crate) fn complete_lines_from(text: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let complete_end = text.rfind('\n').map_or(0, |i| i + 1);
    let complete = text.get(from..complete_end).unwrap_or("");
    complete.split_inclusive('\n').scan(from, |start, line| {
        let line_start = *start;
        *start += line.len();
        Some((line_start, line))
    })
}

/// True for an empty or whitespace-only line.
pub(crate) fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Columns of indentation before a line's content (a tab reaches the next multiple of 4).
pub(crate) fn indent_columns(line: &str) -> usize {
    let mut columns = 0;
    for c in line.chars() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => break,
        }
    }
    columns
}

/// True when the line starts with a space or a tab.
pub(crate) fn starts_indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

/// True when the line (after at most three spaces) starts a list item.
pub(crate) fn is_list_item_line(line: &str) -> bool {
    list_marker_width(strip_up_to_three_spaces(line)).is_some()
}

/// Content column of a list item line (its indentation, marker and the spaces after it);
/// `None` for any other line.
pub(crate) fn item_content_column(line: &str) -> Option<usize> {
    let stripped = strip_up_to_three_spaces(line);
    list_marker_width(stripped).map(|width| line.len() - stripped.len() + width)
}

/// Recognizes a fence-opening line, possibly inside `>` quotes or list items.
pub(crate) fn fence_opening(line: &str) -> Option<Fence> {
    let line = line.trim_end_matches(['\n', '\r']);
    let mut closer_prefix = String::new();
    let mut rest = line;
    let mut item_indent = 0;
    loop {
        let stripped = strip_up_to_three_spaces(rest);
        if let Some(after_quote) = stripped.strip_prefix('>') {
            let after_quote = after_quote.strip_prefix(' ').unwrap_or(after_quote);
            closer_prefix.push_str("> ");
            rest = after_quote;
        } else if let Some(width) = list_marker_width(stripped) {
            let consumed = rest.len() - stripped.len() + width;
            closer_prefix.push_str(&" ".repeat(consumed));
            item_indent = closer_prefix.len();
            rest = &stripped[width..];
        } else {
            // The opener's own indentation: a closer with the same indentation stays in the
            // list item the fence may belong to (and is a valid closer at top level).
            closer_prefix.push_str(&rest[..rest.len() - stripped.len()]);
            rest = stripped;
            break;
        }
    }
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == marker).count();
    let info = &rest[len..];
    if len < 3 || (marker == '`' && info.contains('`')) {
        return None;
    }
    Some(Fence {
        marker,
        len,
        quoted: closer_prefix.starts_with('>'),
        item_indent,
        closer_prefix,
    })
}

/// True when `line` closes `fence`: after any indentation and `>` markers, a
/// run of the fence character at least as long, then only whitespace.
pub(crate) fn closes_fence(fence: &Fence, line: &str) -> bool {
    let rest = line.trim_start_matches([' ', '\t', '>']);
    let run = rest.chars().take_while(|c| *c == fence.marker).count();
    run >= fence.len && is_blank(&rest[run..])
}

/// True when the (possibly incomplete) line could still grow into a closing
/// fence for `fence`: only indentation, `>` and fence characters so far.
pub(crate) fn may_become_closer(fence: &Fence, line: &str) -> bool {
    let rest = line.trim_start_matches([' ', '\t', '>']);
    !rest.is_empty() && rest.chars().all(|c| c == fence.marker)
}

/// Removes up to three leading spaces.
fn strip_up_to_three_spaces(line: &str) -> &str {
    let spaces = line.bytes().take(3).take_while(|b| *b == b' ').count();
    &line[spaces..]
}

/// Byte width of a list marker at the start of `text` plus the whitespace
/// after it (1 to 4 columns), if `text` starts with one.
fn list_marker_width(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let marker_len = match bytes.first() {
        Some(b'-' | b'*' | b'+') => 1,
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') if digits <= 9 => digits + 1,
                _ => return None,
            }
        }
        _ => return None,
    };
    let after = &text[marker_len..];
    if after.is_empty() || after.starts_with(['\n', '\r']) {
        return Some(marker_len);
    }
    let spaces = after
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    if spaces == 0 {
        return None;
    }
    Some(marker_len + spaces.min(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_found_in_containers() {
        let plain = fence_opening("```rust\n");
        assert_eq!(plain.map(|f| f.closer()).as_deref(), Some("```"));
        let indented = fence_opening("  ```\n");
        assert_eq!(indented.map(|f| f.closer()).as_deref(), Some("  ```"));
        let quoted = fence_opening("> ~~~~");
        assert_eq!(quoted.map(|f| f.closer()).as_deref(), Some("> ~~~~"));
        let listed = fence_opening("1. ```");
        assert_eq!(listed.map(|f| f.closer()).as_deref(), Some("   ```"));
        assert_eq!(fence_opening("``` a`b"), None);
        assert_eq!(fence_opening("    ```"), None);
        assert_eq!(fence_opening("``"), None);
    }

    #[test]
    fn a_fence_ends_with_its_container() {
        let item = fence_opening("-  ```").expect("a fence in an item");
        assert!(item.is_left_by("-\n"), "a new item");
        assert!(
            item.is_left_by("  x"),
            "a line indented less than the item's content"
        );
        assert!(!item.is_left_by("   x\n"));
        assert!(!item.is_left_by("\n"), "a blank line stays in the item");
        let quoted = fence_opening("> ```").expect("a fence in a quote");
        assert!(quoted.is_left_by("\n"), "a blank line ends the quote");
        assert!(quoted.is_left_by("x\n"), "code has no lazy continuation");
        assert!(!quoted.is_left_by(">x\n"));
        assert!(
            !quoted.is_left_by("  "),
            "undecided while only spaces are typed"
        );
        let top = fence_opening("  ```").expect("an indented fence");
        assert!(
            !top.is_left_by("x\n"),
            "a top-level fence ends only at its closer"
        );
    }

    #[test]
    fn fence_closing_needs_a_long_enough_run() {
        let fence = Fence {
            marker: '`',
            len: 4,
            closer_prefix: String::new(),
            quoted: false,
            item_indent: 0,
        };
        assert!(closes_fence(&fence, "````  \n"));
        assert!(!closes_fence(&fence, "```\n"));
        assert!(!closes_fence(&fence, "```` x\n"));
        assert!(may_become_closer(&fence, "``"));
        assert!(!may_become_closer(&fence, "`x"));
    }

    #[test]
    fn list_items_are_recognized() {
        assert!(is_list_item_line("- a"));
        assert!(is_list_item_line("12. a"));
        assert!(is_list_item_line("*"));
        assert!(!is_list_item_line("**bold**"));
        assert!(!is_list_item_line("2024 was"));
    }
}
