//! TeX math to a MathML tree, for `$…$`, `$$…$$`, `\(…\)` and `\[…\]` in answers.
//!
//! [`tex_to_mathml`] converts the commonly used subset of TeX math (letters, numbers,
//! operators, Greek, `\frac`, `\sqrt`, scripts, big operators with limits, functions,
//! accents, fonts, `\text`, `\left…\right`, matrices, `cases`, `aligned`) into a
//! [`MathNode`] tree. Anything outside that subset (including every command that could
//! reach outside the formula: `\href`, `\url`, `\style`, `\class`, `\html…`, `\def`,
//! `\newcommand`, `\require`, colours) is an error, and the view then shows the TeX source
//! as text (class `math-fallback`).
//!
//! The tree is safe by construction: element names come from the closed [`MathTag`] set,
//! attributes from [`MathAttrs`] whose values are `&'static str` chosen here (no model text
//! ever becomes an attribute), and model text only appears as token text. Input longer than
//! [`MAX_TEX_BYTES`], nested deeper than [`MAX_DEPTH`] or producing more than
//! [`MAX_NODES`] elements is refused, so hostile input cannot blow up the page.
//!
//! Own converter rather than latex2mathml or pulldown-latex: those return strings (HTML to
//! inject, or events to re-render) and weigh more in the bundle (BENCHMARKS.md, "Highlighter
//! and TeX converter: the choice"). The module depends only on `std` so
//! `tools/wasm-size-probe` can measure its size.

mod commands;
mod fonts;
mod parser;
mod symbols;
mod table;

#[cfg(test)]
mod tests;

/// Longest TeX source converted; longer formulas are shown as source.
pub const MAX_TEX_BYTES: usize = 8 * 1024;
/// Deepest group nesting converted.
pub const MAX_DEPTH: usize = 32;
/// Most elements one formula may produce.
pub const MAX_NODES: usize = 4096;

/// The closed set of MathML elements the converter emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathTag {
    /// `<math>`, the root.
    Math,
    /// `<mrow>`, a horizontal group.
    Mrow,
    /// `<mi>`, an identifier.
    Mi,
    /// `<mn>`, a number.
    Mn,
    /// `<mo>`, an operator or fence.
    Mo,
    /// `<mtext>`, text.
    Mtext,
    /// `<mspace>`, horizontal space.
    Mspace,
    /// `<msup>`.
    Msup,
    /// `<msub>`.
    Msub,
    /// `<msubsup>`.
    Msubsup,
    /// `<mover>`, accents and limits above.
    Mover,
    /// `<munder>`, limits below.
    Munder,
    /// `<munderover>`, limits below and above.
    Munderover,
    /// `<mfrac>`.
    Mfrac,
    /// `<msqrt>`.
    Msqrt,
    /// `<mroot>`.
    Mroot,
    /// `<mstyle>`, for `\displaystyle`.
    Mstyle,
    /// `<mtable>`.
    Mtable,
    /// `<mtr>`.
    Mtr,
    /// `<mtd>`.
    Mtd,
}

impl MathTag {
    /// The element name.
    pub fn name(self) -> &'static str {
        match self {
            MathTag::Math => "math",
            MathTag::Mrow => "mrow",
            MathTag::Mi => "mi",
            MathTag::Mn => "mn",
            MathTag::Mo => "mo",
            MathTag::Mtext => "mtext",
            MathTag::Mspace => "mspace",
            MathTag::Msup => "msup",
            MathTag::Msub => "msub",
            MathTag::Msubsup => "msubsup",
            MathTag::Mover => "mover",
            MathTag::Munder => "munder",
            MathTag::Munderover => "munderover",
            MathTag::Mfrac => "mfrac",
            MathTag::Msqrt => "msqrt",
            MathTag::Mroot => "mroot",
            MathTag::Mstyle => "mstyle",
            MathTag::Mtable => "mtable",
            MathTag::Mtr => "mtr",
            MathTag::Mtd => "mtd",
        }
    }
}

/// The attributes an element may carry; every value is a constant chosen by the converter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MathAttrs {
    /// `display="block"` on the root of display math.
    pub display: Option<&'static str>,
    /// `mathvariant="normal"` for upright single letters (`\mathrm`, capital Greek).
    pub mathvariant: Option<&'static str>,
    /// `stretchy` on fences (`\left(`: true; plain `(`: left to the browser).
    pub stretchy: Option<&'static str>,
    /// `accent="true"` on `mover` for `\hat` and friends.
    pub accent: Option<&'static str>,
    /// `linethickness="0"` on the `mfrac` of `\binom`.
    pub linethickness: Option<&'static str>,
    /// `width` of an `mspace` (`\quad` = `1em`).
    pub width: Option<&'static str>,
    /// `columnalign` of an `mtable` (`aligned`: `right left …`).
    pub columnalign: Option<&'static str>,
    /// `displaystyle` on `mstyle` and on the root of display math.
    pub displaystyle: Option<&'static str>,
}

impl MathAttrs {
    /// The attributes that are set, as (name, value) pairs.
    pub fn pairs(&self) -> Vec<(&'static str, &'static str)> {
        [
            ("display", self.display),
            ("mathvariant", self.mathvariant),
            ("stretchy", self.stretchy),
            ("accent", self.accent),
            ("linethickness", self.linethickness),
            ("width", self.width),
            ("columnalign", self.columnalign),
            ("displaystyle", self.displaystyle),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}

/// A MathML element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MathNode {
    /// A token element (`mi`, `mn`, `mo`, `mtext`) and its text.
    Token {
        /// Which token element.
        tag: MathTag,
        /// Its attributes.
        attrs: MathAttrs,
        /// Its text content (shown as text, never parsed as markup).
        text: String,
    },
    /// A layout element and its children.
    Layout {
        /// Which layout element.
        tag: MathTag,
        /// Its attributes.
        attrs: MathAttrs,
        /// Its children, in order (`msup`: base then script, and so on).
        children: Vec<MathNode>,
    },
}

impl MathNode {
    /// Number of elements in this tree (the size limit counts these).
    pub fn element_count(&self) -> usize {
        match self {
            MathNode::Token { .. } => 1,
            MathNode::Layout { children, .. } => {
                1 + children.iter().map(MathNode::element_count).sum::<usize>()
            }
        }
    }
}

/// Why a formula was shown as source instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MathError {
    /// A command outside the supported subset (the name, without `\`).
    UnsupportedCommand(String),
    /// An environment outside the supported subset.
    UnsupportedEnvironment(String),
    /// Braces, `\left`/`\right` or `\begin`/`\end` do not match.
    Unbalanced,
    /// A command is missing an argument.
    MissingArgument,
    /// The formula is empty.
    Empty,
    /// Longer, deeper or bigger than the limits.
    TooLarge,
}

impl std::fmt::Display for MathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MathError::UnsupportedCommand(name) => write!(f, "unsupported command \\{name}"),
            MathError::UnsupportedEnvironment(name) => write!(f, "unsupported environment {name}"),
            MathError::Unbalanced => f.write_str("unbalanced braces or delimiters"),
            MathError::MissingArgument => f.write_str("missing argument"),
            MathError::Empty => f.write_str("empty formula"),
            MathError::TooLarge => f.write_str("formula too large"),
        }
    }
}

/// Converts TeX math to a `<math>` tree (`display` for `$$…$$` and `\[…\]`).
pub fn tex_to_mathml(tex: &str, display: bool) -> Result<MathNode, MathError> {
    if tex.len() > MAX_TEX_BYTES {
        return Err(MathError::TooLarge);
    }
    let body = table::parse(tex, display)?;
    let root = MathNode::Layout {
        tag: MathTag::Math,
        attrs: MathAttrs {
            display: display.then_some("block"),
            displaystyle: display.then_some("true"),
            ..MathAttrs::default()
        },
        children: vec![body],
    };
    if root.element_count() > MAX_NODES {
        return Err(MathError::TooLarge);
    }
    Ok(root)
}
