//! Command tables: which TeX command is which character, and of which kind.

/// What a symbol command becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SymbolKind {
    /// An identifier (`<mi>`): Greek letters, `\infty`, `\partial`.
    Identifier,
    /// An upright identifier (`<mi mathvariant="normal">`): capital Greek.
    Upright,
    /// An operator, relation, arrow or punctuation (`<mo>`).
    Operator,
    /// A big operator whose scripts go below/above in display math (`\sum`).
    BigOperator,
    /// An opening or closing delimiter usable after `\left` / `\right`.
    Delimiter,
}

/// A symbol command's text and kind.
pub(crate) fn symbol(name: &str) -> Option<(&'static str, SymbolKind)> {
    use SymbolKind::*;
    let found = match name {
        // Greek, lower case.
        "alpha" => ("α", Identifier),
        "beta" => ("β", Identifier),
        "gamma" => ("γ", Identifier),
        "delta" => ("δ", Identifier),
        "epsilon" => ("ϵ", Identifier),
        "varepsilon" => ("ε", Identifier),
        "zeta" => ("ζ", Identifier),
        "eta" => ("η", Identifier),
        "theta" => ("θ", Identifier),
        "vartheta" => ("ϑ", Identifier),
        "iota" => ("ι", Identifier),
        "kappa" => ("κ", Identifier),
        "lambda" => ("λ", Identifier),
        "mu" => ("μ", Identifier),
        "nu" => ("ν", Identifier),
        "xi" => ("ξ", Identifier),
        "omicron" => ("ο", Identifier),
        "pi" => ("π", Identifier),
        "varpi" => ("ϖ", Identifier),
        "rho" => ("ρ", Identifier),
        "varrho" => ("ϱ", Identifier),
        "sigma" => ("σ", Identifier),
        "varsigma" => ("ς", Identifier),
        "tau" => ("τ", Identifier),
        "upsilon" => ("υ", Identifier),
        "phi" => ("ϕ", Identifier),
        "varphi" => ("φ", Identifier),
        "chi" => ("χ", Identifier),
        "psi" => ("ψ", Identifier),
        "omega" => ("ω", Identifier),
        // Greek, upper case (upright, as TeX sets them).
        "Gamma" => ("Γ", Upright),
        "Delta" => ("Δ", Upright),
        "Theta" => ("Θ", Upright),
        "Lambda" => ("Λ", Upright),
        "Xi" => ("Ξ", Upright),
        "Pi" => ("Π", Upright),
        "Sigma" => ("Σ", Upright),
        "Upsilon" => ("Υ", Upright),
        "Phi" => ("Φ", Upright),
        "Psi" => ("Ψ", Upright),
        "Omega" => ("Ω", Upright),
        // Other identifiers.
        "infty" => ("∞", Identifier),
        "partial" => ("∂", Identifier),
        "nabla" => ("∇", Identifier),
        "hbar" => ("ℏ", Identifier),
        "ell" => ("ℓ", Identifier),
        "Re" => ("ℜ", Identifier),
        "Im" => ("ℑ", Identifier),
        "aleph" => ("ℵ", Identifier),
        "emptyset" => ("∅", Identifier),
        "varnothing" => ("∅", Identifier),
        "forall" => ("∀", Operator),
        "exists" => ("∃", Operator),
        "nexists" => ("∄", Operator),
        "neg" => ("¬", Operator),
        "lnot" => ("¬", Operator),
        "angle" => ("∠", Identifier),
        "triangle" => ("△", Identifier),
        "degree" => ("°", Identifier),
        "prime" => ("′", Operator),
        // Binary operators.
        "pm" => ("±", Operator),
        "mp" => ("∓", Operator),
        "times" => ("×", Operator),
        "div" => ("÷", Operator),
        "cdot" => ("⋅", Operator),
        "ast" => ("∗", Operator),
        "star" => ("⋆", Operator),
        "circ" => ("∘", Operator),
        "bullet" => ("∙", Operator),
        "oplus" => ("⊕", Operator),
        "ominus" => ("⊖", Operator),
        "otimes" => ("⊗", Operator),
        "odot" => ("⊙", Operator),
        "cup" => ("∪", Operator),
        "cap" => ("∩", Operator),
        "setminus" => ("∖", Operator),
        "land" | "wedge" => ("∧", Operator),
        "lor" | "vee" => ("∨", Operator),
        "bmod" => ("mod", Operator),
        // Relations.
        "leq" | "le" => ("≤", Operator),
        "geq" | "ge" => ("≥", Operator),
        "leqslant" => ("⩽", Operator),
        "geqslant" => ("⩾", Operator),
        "neq" | "ne" => ("≠", Operator),
        "approx" => ("≈", Operator),
        "equiv" => ("≡", Operator),
        "sim" => ("∼", Operator),
        "simeq" => ("≃", Operator),
        "cong" => ("≅", Operator),
        "propto" => ("∝", Operator),
        "ll" => ("≪", Operator),
        "gg" => ("≫", Operator),
        "in" => ("∈", Operator),
        "notin" => ("∉", Operator),
        "ni" => ("∋", Operator),
        "subset" => ("⊂", Operator),
        "supset" => ("⊃", Operator),
        "subseteq" => ("⊆", Operator),
        "supseteq" => ("⊇", Operator),
        "perp" => ("⊥", Operator),
        "parallel" => ("∥", Operator),
        "mid" => ("∣", Operator),
        "models" => ("⊨", Operator),
        "vdash" => ("⊢", Operator),
        "coloneqq" => ("≔", Operator),
        "doteq" => ("≐", Operator),
        // Arrows.
        "to" | "rightarrow" => ("→", Operator),
        "gets" | "leftarrow" => ("←", Operator),
        "leftrightarrow" => ("↔", Operator),
        "Rightarrow" => ("⇒", Operator),
        "Leftarrow" => ("⇐", Operator),
        "Leftrightarrow" => ("⇔", Operator),
        "implies" => ("⟹", Operator),
        "impliedby" => ("⟸", Operator),
        "iff" => ("⟺", Operator),
        "mapsto" => ("↦", Operator),
        "longrightarrow" => ("⟶", Operator),
        "longleftarrow" => ("⟵", Operator),
        "uparrow" => ("↑", Operator),
        "downarrow" => ("↓", Operator),
        "nearrow" => ("↗", Operator),
        "searrow" => ("↘", Operator),
        "rightleftharpoons" => ("⇌", Operator),
        // Dots.
        "ldots" | "dots" | "dotsc" | "dotsb" => ("…", Operator),
        "cdots" => ("⋯", Operator),
        "vdots" => ("⋮", Operator),
        "ddots" => ("⋱", Operator),
        // Big operators.
        "sum" => ("∑", BigOperator),
        "prod" => ("∏", BigOperator),
        "coprod" => ("∐", BigOperator),
        "int" => ("∫", Operator),
        "iint" => ("∬", Operator),
        "iiint" => ("∭", Operator),
        "oint" => ("∮", Operator),
        "bigcup" => ("⋃", BigOperator),
        "bigcap" => ("⋂", BigOperator),
        "bigoplus" => ("⨁", BigOperator),
        "bigotimes" => ("⨂", BigOperator),
        "bigvee" => ("⋁", BigOperator),
        "bigwedge" => ("⋀", BigOperator),
        // Delimiters.
        "{" | "lbrace" => ("{", Delimiter),
        "}" | "rbrace" => ("}", Delimiter),
        "langle" => ("⟨", Delimiter),
        "rangle" => ("⟩", Delimiter),
        "lfloor" => ("⌊", Delimiter),
        "rfloor" => ("⌋", Delimiter),
        "lceil" => ("⌈", Delimiter),
        "rceil" => ("⌉", Delimiter),
        "|" | "Vert" => ("‖", Delimiter),
        "vert" => ("|", Delimiter),
        "lvert" | "rvert" => ("|", Delimiter),
        "lVert" | "rVert" => ("‖", Delimiter),
        // Escaped characters.
        "%" => ("%", Operator),
        "$" => ("$", Operator),
        "&" => ("&", Operator),
        "#" => ("#", Operator),
        "_" => ("_", Operator),
        _ => return None,
    };
    Some(found)
}

/// Function names set upright (`\sin`); the bool says whether their scripts go below in
/// display math (`\lim_{x\to0}`).
pub(crate) fn function(name: &str) -> Option<(&'static str, bool)> {
    const FUNCTIONS: &[&str] = &[
        "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
        "tanh", "coth", "log", "ln", "lg", "exp", "deg", "dim", "hom", "ker", "arg",
    ];
    const LIMIT_FUNCTIONS: &[&str] = &[
        "lim", "liminf", "limsup", "max", "min", "sup", "inf", "det", "gcd", "Pr", "argmax",
        "argmin",
    ];
    if let Some(found) = FUNCTIONS.iter().find(|f| **f == name) {
        return Some((found, false));
    }
    LIMIT_FUNCTIONS
        .iter()
        .find(|f| **f == name)
        .map(|found| (*found, true))
}

/// Accent commands: the mark placed above (or below, for the bool) the argument.
pub(crate) fn accent(name: &str) -> Option<(&'static str, bool)> {
    let found = match name {
        "hat" | "widehat" => ("^", false),
        "bar" | "overline" => ("‾", false),
        "vec" | "overrightarrow" => ("→", false),
        "overleftarrow" => ("←", false),
        "dot" => ("˙", false),
        "ddot" => ("¨", false),
        "tilde" | "widetilde" => ("~", false),
        "check" => ("ˇ", false),
        "breve" => ("˘", false),
        "acute" => ("´", false),
        "grave" => ("`", false),
        "overbrace" => ("⏞", false),
        "underline" => ("_", true),
        "underbrace" => ("⏟", true),
        _ => return None,
    };
    Some(found)
}

/// Spacing commands and their widths.
pub(crate) fn space(name: &str) -> Option<&'static str> {
    let width = match name {
        "," | "thinspace" => "0.1667em",
        ":" | ">" | "medspace" => "0.2222em",
        ";" | "thickspace" => "0.2778em",
        " " => "0.25em",
        "quad" => "1em",
        "qquad" => "2em",
        "!" | "negthinspace" => "0em",
        _ => return None,
    };
    Some(width)
}
