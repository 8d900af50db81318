//! `\begin{…}…\end{…}` environments (matrices, `cases`, `aligned`, `array`) and formulas
//! with top-level `\\` or `&`, all as `<mtable>`; and [`parse`], the entry point for a whole
//! formula, which is a row unless it turns out to be such a table (so the parser never needs
//! this file: tables call the parser, not the other way round).

use super::parser::{fenced, layout, row, End, Parser};
use super::{MathAttrs, MathError, MathNode, MathTag};

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

/// Alignment of `aligned`-style tables: right, left, right, left, …
const ALIGNED: &str = "right left right left right left right left";

/// An environment after `\begin` (consumed).
pub(crate) fn environment(p: &mut Parser<'_>) -> Result<MathNode, MathError> {
    let name = p.raw_group()?;
    let (open, close, align) = match name {
        "matrix" | "smallmatrix" | "gathered" | "gather" | "gather*" | "equation" | "equation*"
        | "array" | "subarray" => ("", "", None),
        "pmatrix" => ("(", ")", None),
        "bmatrix" => ("[", "]", None),
        "Bmatrix" => ("{", "}", None),
        "vmatrix" => ("|", "|", None),
        "Vmatrix" => ("‖", "‖", None),
        "cases" => ("{", "", Some("left left")),
        "rcases" => ("", "}", Some("left left")),
        "aligned" | "align" | "align*" | "split" | "alignat" | "alignat*" | "alignedat" => {
            ("", "", Some(ALIGNED))
        }
        other => return Err(MathError::UnsupportedEnvironment(other.to_string())),
    };
    if matches!(
        name,
        "array" | "subarray" | "alignat" | "alignat*" | "alignedat"
    ) {
        p.raw_group()?;
    }
    let (first, end) = p.sequence()?;
    let table = rows(p, first, end, Some((name, align)))?;
    Ok(match (open, close) {
        ("", "") => table,
        (open, "") => layout(
            MathTag::Mrow,
            MathAttrs::default(),
            vec![stretchy(open), table],
        ),
        ("", close) => layout(
            MathTag::Mrow,
            MathAttrs::default(),
            vec![table, stretchy(close)],
        ),
        (open, close) => fenced(open, table, close),
    })
}

/// Collects cells and rows into an `mtable`, starting from the first cell (already parsed,
/// ended by `end`). `env` is the environment being closed (name, column alignment); `None`
/// for a top-level table, which ends at the end of input.
pub(crate) fn rows(
    p: &mut Parser<'_>,
    first: Vec<MathNode>,
    mut end: End,
    env: Option<(&str, Option<&'static str>)>,
) -> Result<MathNode, MathError> {
    let mut table_rows = Vec::new();
    let mut cells = vec![cell(first)];
    let mut has_columns = false;
    loop {
        match end {
            End::Amp => has_columns = true,
            End::Newline => table_rows.push(std::mem::take(&mut cells)),
            End::Eof if env.is_none() => break,
            End::Environment => {
                let Some((name, _)) = env else {
                    return Err(MathError::Unbalanced);
                };
                if !p.eat_command("end") || p.raw_group()? != name {
                    return Err(MathError::Unbalanced);
                }
                break;
            }
            End::Eof | End::Brace | End::Right => return Err(MathError::Unbalanced),
        }
        let (nodes, next) = p.sequence()?;
        cells.push(cell(nodes));
        end = next;
    }
    let trailing_empty = cells.len() == 1 && is_empty_cell(&cells[0]);
    if !trailing_empty || table_rows.is_empty() {
        table_rows.push(cells);
    }
    let columnalign = match env {
        Some((_, align)) => align,
        None if has_columns => Some(ALIGNED),
        None => None,
    };
    let attrs = MathAttrs {
        columnalign,
        ..MathAttrs::default()
    };
    let rows = table_rows
        .into_iter()
        .map(|cells| layout(MathTag::Mtr, MathAttrs::default(), cells))
        .collect();
    Ok(layout(MathTag::Mtable, attrs, rows))
}

/// A table cell holding `nodes`.
fn cell(nodes: Vec<MathNode>) -> MathNode {
    layout(MathTag::Mtd, MathAttrs::default(), vec![row(nodes)])
}

/// True for a cell with nothing in it (the row after a trailing `\\`).
fn is_empty_cell(cell: &MathNode) -> bool {
    matches!(cell, MathNode::Layout { children, .. }
        if matches!(children.as_slice(), [MathNode::Layout { tag: MathTag::Mrow, children, .. }] if children.is_empty()))
}

/// A stretchy fence.
fn stretchy(text: &str) -> MathNode {
    MathNode::Token {
        tag: MathTag::Mo,
        attrs: MathAttrs {
            stretchy: Some("true"),
            ..MathAttrs::default()
        },
        text: text.to_string(),
    }
}
