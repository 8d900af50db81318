//! A table at the end of the streaming tail, kept open: every finished row is parsed once,
//! together with the header and delimiter lines only, and only the row being typed is
//! re-parsed per update.
//!
//! GFM parses each body row on its own against the header's column count (cells never span
//! rows), so a row parsed as `header + delimiter + row` renders exactly like the same row
//! in the whole table. A line that does not parse as exactly one row there (a blank line, a
//! block that ends the table) ends open mode and the tail is rendered whole again.

use crate::heal::complete_tail;
use crate::lines::complete_lines_from;
use crate::open::ContainerStep;
use crate::tree::{MdNode, MdTag};

/// Why open mode ended: the tail must be rendered whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TableEnded;

/// The open table's state within one tail generation.
#[derive(Clone, Debug)]
pub(crate) struct GrowingTable {
    /// The header and delimiter lines, each row is parsed behind them.
    head_text: String,
    /// Offset (in the tail) of the first line not yet closed as a row.
    scan_pos: usize,
}

impl GrowingTable {
    /// Open mode for a table whose header line is `head_text` (header plus delimiter line,
    /// both complete) and whose body starts at `body_start` in the tail.
    pub(crate) fn new(head_text: String, body_start: usize) -> Self {
        GrowingTable {
            head_text,
            scan_pos: body_start,
        }
    }

    /// The `<thead>` node, parsed from the header lines.
    pub(crate) fn head(&self) -> Result<MdNode, TableEnded> {
        match table_parts(&crate::tree::parse_to_nodes(&self.head_text)) {
            Some((head, [])) => Ok(head.clone()),
            _ => Err(TableEnded),
        }
    }

    /// Reads the tail (the previous tail plus new text) and returns the rows to add and the
    /// live row. `Err` when the text no longer fits open mode.
    pub(crate) fn feed(&mut self, tail: &str) -> Result<ContainerStep, TableEnded> {
        let mut closed = Vec::new();
        for (start, line) in complete_lines_from(tail, self.scan_pos) {
            // A line without a pipe is still a row in GFM, but the tail completer reads it as
            // the end of the table: render whole so both agree.
            if line.trim().is_empty() || !line.contains('|') {
                return Err(TableEnded);
            }
            closed.push(self.row(line)?);
            self.scan_pos = start + line.len();
        }
        let typing = &tail[self.scan_pos.max(tail.rfind('\n').map_or(0, |i| i + 1))..];
        let live = if typing.is_empty() {
            Vec::new()
        } else {
            let shown = complete_tail(&format!("{}{typing}", self.head_text));
            match table_parts(&crate::tree::parse_to_nodes(&shown)) {
                Some((_, [row])) => vec![row.clone()],
                Some((_, [])) => Vec::new(),
                _ => return Err(TableEnded),
            }
        };
        Ok(ContainerStep { closed, live })
    }

    /// The `<tr>` of one complete body line.
    fn row(&self, line: &str) -> Result<MdNode, TableEnded> {
        let nodes = crate::tree::parse_to_nodes(&format!("{}{line}", self.head_text));
        match table_parts(&nodes) {
            Some((_, [row])) => Ok(row.clone()),
            _ => Err(TableEnded),
        }
    }
}

/// The `<thead>` and body rows of `nodes` when they are exactly one table.
pub(crate) fn table_parts(nodes: &[MdNode]) -> Option<(&MdNode, &[MdNode])> {
    let [MdNode::Element {
        tag: MdTag::Table,
        children,
    }] = nodes
    else {
        return None;
    };
    match children.as_slice() {
        [head] => Some((head, &[])),
        [head, MdNode::Element {
            tag: MdTag::TableBody,
            children: rows,
        }] => Some((head, rows.as_slice())),
        _ => None,
    }
}
