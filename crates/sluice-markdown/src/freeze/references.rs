//! Link reference definitions across frozen blocks.
//!
//! `[text][label]` and `[label]` resolve against `[label]: url "title"` lines anywhere in the
//! document, the first definition of a label winning, even when the definition comes later
//! than its use. A frozen block is parsed on its own, so [`crate::IncrementalMarkdown`] keeps
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
//!
//! Costs stay linear in hostile answers (thousands of definitions and uses): known labels are a
//! hash set keyed like the parser's (Unicode case folding, [`UniCase`]), never re-parsed, and a
//! block's preamble holds only the definitions of labels it tries or defines (all of them only
//! when a bracket pair spans lines), not every definition of the answer.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use pulldown_cmark::Parser;
use unicase::UniCase;

use crate::tree::parser_options;

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

    /// True when a definition of one of `labels` (as from [`Definitions::learn`]) may change
    /// how this block renders.
    pub(crate) fn uses_any_of(&self, labels: &NewLabels) -> bool {
        !labels.is_empty()
            && (self.any_label
                || self
                    .attempted
                    .iter()
                    .any(|label| labels.contains(&UniCase::new(label.clone()))))
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

/// Labels that just got their first definition, compared as the parser compares them.
pub(crate) type NewLabels = HashSet<UniCase<String>>;

/// The winning definitions of the document so far, in the order they appeared.
#[derive(Clone, Debug, Default)]
pub(crate) struct Definitions {
    /// First definition of each label, in document order.
    winners: Vec<Definition>,
    /// Index in `winners` of each label, keyed as the parser keys labels (Unicode case
    /// folding), so a label is looked up without parsing anything.
    index: HashMap<UniCase<String>, usize>,
    /// `winners` written out, followed by a blank line (empty when there are none); grown in
    /// place as definitions arrive.
    preamble: String,
}

impl Definitions {
    /// Every winning definition as a preamble (for the streaming tail, whose labels are not
    /// known yet).
    pub(crate) fn preamble(&self) -> &str {
        &self.preamble
    }

    /// The preamble to put before `block`'s text: the winning definitions of the labels it
    /// tries or defines, in document order (every definition when a bracket pair spans lines
    /// and its label cannot be read from the text).
    pub(crate) fn preamble_for(&self, block: &BlockReferences) -> Cow<'_, str> {
        if block.any_label {
            return Cow::Borrowed(&self.preamble);
        }
        let mut wanted: Vec<usize> = block
            .attempted
            .iter()
            .chain(block.defined.iter().map(|definition| &definition.label))
            .filter_map(|label| self.index.get(&UniCase::new(label.clone())).copied())
            .collect();
        if wanted.is_empty() {
            return Cow::Borrowed("");
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut preamble: String = wanted
            .iter()
            .map(|&at| self.winners[at].line.as_str())
            .collect();
        preamble.push('\n');
        Cow::Owned(preamble)
    }

    /// Learns a block's definitions; returns the labels that had no definition yet (empty if
    /// none), for [`BlockReferences::uses_any_of`].
    pub(crate) fn learn(&mut self, block: &BlockReferences) -> NewLabels {
        let mut new_labels = NewLabels::new();
        for definition in &block.defined {
            let key = UniCase::new(definition.label.clone());
            if self.index.contains_key(&key) {
                continue;
            }
            self.index.insert(key.clone(), self.winners.len());
            self.winners.push(definition.clone());
            // The blank line that ends the preamble moves after the new line.
            self.preamble.pop();
            self.preamble.push_str(&definition.line);
            self.preamble.push('\n');
            new_labels.insert(key);
        }
        new_labels
    }
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
    use super::{scan_block, Definitions};
    use crate::{parse_to_nodes, to_html};
    use unicase::UniCase;

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
        assert!(new.contains(&UniCase::new("docs page".to_string())));
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
