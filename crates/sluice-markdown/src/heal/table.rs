//! Table support for tail completion: a GFM table only becomes a table once
//! its delimiter row (`|---|---|`) is complete, so while the header row or
//! the delimiter row is being typed the pipes would flash as plain text.
//! These helpers synthesize a delimiter row from the header so the table
//! shape shows at once.

/// Number of cells in a table row (pipes escaped with `\` do not count).
pub(crate) fn cell_count(row: &str) -> usize {
    let trimmed = row.trim();
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    let inner = match inner.strip_suffix('|') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => inner,
    };
    let mut cells = 1;
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '|' if !escaped => cells += 1,
            _ => {}
        }
        escaped = c == '\\' && !escaped;
    }
    cells
}

/// A delimiter row (`| --- | --- |`) for `cells` columns.
pub(crate) fn delimiter_row(cells: usize) -> String {
    let mut row = String::from("|");
    for _ in 0..cells.max(1) {
        row.push_str(" --- |");
    }
    row
}

/// True when the line only holds delimiter-row characters (`|`, `-`, `:`,
/// spaces), i.e. it may be a delimiter row being typed.
pub(crate) fn looks_like_delimiter_row(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.starts_with('|')
        && trimmed
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// True when `line` is a complete, valid delimiter row for `cells` columns.
pub(crate) fn is_valid_delimiter_row(line: &str, cells: usize) -> bool {
    if !looks_like_delimiter_row(line) || cell_count(line) != cells {
        return false;
    }
    let trimmed = line.trim();
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').all(|cell| {
        let cell = cell.trim();
        let dashes = cell.trim_start_matches(':').trim_end_matches(':');
        !dashes.is_empty() && dashes.chars().all(|c| c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cells_with_and_without_outer_pipes() {
        assert_eq!(cell_count("| a | b |"), 2);
        assert_eq!(cell_count("| a | b"), 2);
        assert_eq!(cell_count("| a \\| b |"), 1);
        assert_eq!(cell_count("|"), 1);
    }

    #[test]
    fn validates_delimiter_rows() {
        assert!(is_valid_delimiter_row("|:--|--:|\n", 2));
        assert!(!is_valid_delimiter_row("|---|-", 3));
        assert!(!is_valid_delimiter_row("|--|  |", 2));
        assert!(looks_like_delimiter_row("|:-"));
        assert_eq!(delimiter_row(2), "| --- | --- |");
    }
}
