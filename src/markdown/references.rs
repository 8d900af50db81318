//! Link reference definitions across frozen blocks.
//!
//! `[text][label]` and `[label]` resolve against `[label]: url "title"` lines anywhere in the
//! document, the first definition of a label winning, even when the definition comes later
//! than its use. A frozen block is parsed on its own, so [`super::IncrementalMarkdown`] keeps
//! the winning definitions seen so far ([`Definitions`]) and renders a block that uses or
//! defines labels with those definitions written in front of its text (a *preamble*: the
//! definition lines and a blank line, which render nothing and cannot change how the block's
//! own lines are read). When a definition arrives after a block that tried to use its label,
//! that block is rendered again with the new preamble.
//!
//! Which labels a block may try is over-approximated by every innermost `[…]` in its text
//! (labels never contain unbracketed `[` or `]`), so a block is re-rendered whenever a
//! definition it could use arrives (a few needless re-renders are harmless; a bracket pair over
//! a line break, whose label the text alone does not give, makes any new definition count).
//! Labels are compared with pulldown-cmark's own lookup, so the matching rules (case folding,
//! collapsed whitespace) are exactly the parser's. (Asking the parser through its broken-link
//! callback would be exact too, but would compile a second copy of the whole parser into the
//! WebAssembly.)

use pulldown_cmark::Parser;

use super::tree::parser_options;

/// One winning definition, ready to be written into a preamble.
#[derive(Clone, Debug)]
struct Definition {
    /// The label as the parser keyed it.
    label: String,
    /// The definition line (`[label]: <dest> "title"` with everything escaped) and a newline.
    line: String,
}

/// What one block's text does with reference labels.
#[derive(Clone, Debug, Default)]
pub(crate) struct BlockReferences {
    /// Labels the block may try to resolve (every innermost bracket pair, whitespace collapsed).
    pub(crate) attempted: Vec<String>,
    /// A bracket pair spans a line break: any new definition may matter.
    pub(crate) any_label: bool,
    /// The block's own definitions, in document order, serialized.
    defined: Vec<Definition>,
}

impl BlockReferences {
    /// True when the block's rendering depends on the document's definitions.
    pub(crate) fn depends_on_definitions(&self) -> bool {
        !self.attempted.is_empty() || !self.defined.is_empty() || self.any_label
    }

    /// True when a definition among `definitions` (lines as from [`Definitions::learn`]) may
    /// change how this block renders.
    pub(crate) fn uses_any_of(&self, definitions: &str) -> bool {
        !definitions.is_empty() && (self.any_label || mentions_any(definitions, &self.attempted))
    }
}

/// Finds the labels `text` may use and the definitions it makes. Text without `[` can do
/// neither and is not parsed.
pub(crate) fn scan_block(text: &str) -> BlockReferences {
    if !text.contains('[') {
        return BlockReferences::default();
    }
    let (attempted, any_label) = bracket_labels(text);
    let mut parser = Parser::new_ext(text, parser_options());
    parser.by_ref().for_each(drop);
    let mut found: Vec<(usize, Definition)> = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| {
            let line = definition_line(label, &def.dest, def.title.as_deref());
            let label = label.to_string();
            (def.span.start, Definition { label, line })
        })
        .collect();
    found.sort_by_key(|(start, _)| *start);
    BlockReferences {
        attempted,
        any_label,
        defined: found.into_iter().map(|(_, def)| def).collect(),
    }
}

/// The content of every innermost `[…]` (backslash-escaped brackets skipped), whitespace
/// collapsed as the parser does for labels; and whether some pair spans a line break.
fn bracket_labels(text: &str) -> (Vec<String>, bool) {
    let bytes = text.as_bytes();
    let mut labels = Vec::new();
    let mut multiline = false;
    let mut open = None;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            b'[' => open = Some(index + 1),
            b']' => {
                if let Some(start) = open.take() {
                    let raw = &text[start..index];
                    multiline |= raw.contains('\n');
                    let label = raw.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
                    if !label.is_empty() && !labels.contains(&label) {
                        labels.push(label);
                    }
                }
            }
            _ => {}
        }
        index += 1;
    }
    (labels, multiline)
}

/// The winning definitions of the document so far, in the order they appeared.
#[derive(Clone, Debug, Default)]
pub(crate) struct Definitions {
    /// First definition of each label, in document order.
    winners: Vec<Definition>,
    /// `winners` written out, followed by a blank line (empty when there are none).
    preamble: String,
}

impl Definitions {
    /// The preamble to put before a dependent block's text.
    pub(crate) fn preamble(&self) -> &str {
        &self.preamble
    }

    /// Learns a block's definitions; returns the preamble of those whose label had no
    /// definition yet (empty if none), for [`BlockReferences::uses_any_of`].
    pub(crate) fn learn(&mut self, block: &BlockReferences) -> String {
        let mut new_lines = String::new();
        for definition in &block.defined {
            let label = &definition.label;
            let known = !self.winners.is_empty() && defines(&self.preamble, label);
            let repeated = !new_lines.is_empty() && defines(&new_lines, label);
            if !known && !repeated {
                new_lines.push_str(&definition.line);
                self.winners.push(definition.clone());
            }
        }
        if !new_lines.is_empty() {
            self.preamble = self.winners.iter().map(|d| d.line.as_str()).collect();
            self.preamble.push('\n');
        }
        new_lines
    }
}

/// True when any of `labels` is defined by the definition lines in `definitions`.
fn mentions_any(definitions: &str, labels: &[String]) -> bool {
    if definitions.is_empty() || labels.is_empty() {
        return false;
    }
    let mut parser = Parser::new_ext(definitions, parser_options());
    parser.by_ref().for_each(drop);
    let defs = parser.reference_definitions();
    labels.iter().any(|label| defs.get(label).is_some())
}

/// True when the definition lines in `definitions` define `label`.
fn defines(definitions: &str, label: &str) -> bool {
    mentions_any(definitions, &[label.to_string()])
}

/// Writes a definition that parses back to exactly `label`, `dest` and `title`: the label as
/// the parser keyed it (its escapes kept, whitespace already collapsed), the destination in
/// `<…>` and the title in quotes, each with every ASCII punctuation character
/// backslash-escaped (so no entity, bracket or quote inside can end or change them).
fn definition_line(label: &str, dest: &str, title: Option<&str>) -> String {
    let mut line = format!("[{label}]: <{}>", escape_punctuation(dest));
    if let Some(title) = title {
        line.push_str(&format!(" \"{}\"", escape_punctuation(title)));
    }
    line.push('\n');
    line
}

/// Backslash-escapes every ASCII punctuation character.
fn escape_punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{mentions_any, scan_block, Definitions};
    use crate::markdown::{parse_to_nodes, to_html};

    #[test]
    fn uses_and_definitions_are_found() {
        let refs = scan_block("See [the docs][Docs] and [x  y].\n\n[other]: https://o.example\n");
        assert_eq!(refs.attempted, ["the docs", "Docs", "x y", "other"]);
        assert_eq!(refs.defined.len(), 1);
        assert!(!refs.any_label);
        assert!(scan_block("No brackets here.").attempted.is_empty());
        assert!(scan_block("An escaped \\[x\\] is no label.")
            .attempted
            .is_empty());
        assert!(scan_block("> [a\n> b]").any_label);
    }

    #[test]
    fn the_first_definition_wins_and_labels_match_like_the_parser() {
        let mut definitions = Definitions::default();
        let new = definitions.learn(&scan_block("[Docs  Page]: https://first.example\n"));
        assert!(mentions_any(&new, &["docs page".to_string()]));
        let again = definitions.learn(&scan_block("[DOCS PAGE]: https://second.example\n"));
        assert!(again.is_empty(), "a later definition of the label loses");
        let html = to_html(&parse_to_nodes(&format!(
            "{}[docs page]",
            definitions.preamble()
        )));
        assert!(html.contains("https://first.example"), "{html}");
    }

    #[test]
    fn written_definitions_parse_back_exactly() {
        let source = "[a]: <https://x.example/a b?c=&amp;d&lt;> \"T \\\"q\\\" &amp; <b>\"\n\
                      [b\\]c]: /rel/path 'single (quoted)'\n[e]: mailto:x@example.com\n";
        let mut definitions = Definitions::default();
        definitions.learn(&scan_block(source));
        for use_ in ["[a]", "[b\\]c]", "[e]"] {
            let original = to_html(&parse_to_nodes(&format!("{source}\n{use_}")));
            let rewritten = to_html(&parse_to_nodes(&format!(
                "{}{use_}",
                definitions.preamble()
            )));
            assert_eq!(rewritten, original, "{use_}");
        }
    }
}
