//! Converter checks: valid TeX becomes the expected MathML, unsupported or hostile TeX is an
//! error (the view then shows the source), and limits hold.

use super::{tex_to_mathml, MathError, MathNode, MathTag, MAX_TEX_BYTES};

/// Compact rendering of a tree for assertions: `<tag attr=v>text</tag>`.
fn show(node: &MathNode) -> String {
    let (tag, attrs) = match node {
        MathNode::Token { tag, attrs, .. } | MathNode::Layout { tag, attrs, .. } => (tag, attrs),
    };
    let mut out = format!("<{}", tag.name());
    for (name, value) in attrs.pairs() {
        out.push_str(&format!(" {name}={value}"));
    }
    out.push('>');
    match node {
        MathNode::Token { text, .. } => out.push_str(text),
        MathNode::Layout { children, .. } => children.iter().for_each(|c| out.push_str(&show(c))),
    }
    out.push_str(&format!("</{}>", tag.name()));
    out
}

/// The shown tree of inline `tex`, without the `<math>` root.
fn inline(tex: &str) -> String {
    let shown = show(&tex_to_mathml(tex, false).unwrap_or_else(|e| panic!("{tex}: {e}")));
    shown
        .strip_prefix("<math>")
        .and_then(|s| s.strip_suffix("</math>"))
        .map(str::to_string)
        .unwrap_or(shown)
}

#[test]
fn letters_numbers_and_operators() {
    assert_eq!(inline("x+1"), "<mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow>");
    assert_eq!(inline("3.14"), "<mn>3.14</mn>");
    assert_eq!(inline("a-b"), "<mrow><mi>a</mi><mo>−</mo><mi>b</mi></mrow>");
    assert_eq!(
        inline("\\alpha \\leq \\Omega"),
        "<mrow><mi>α</mi><mo>≤</mo><mi mathvariant=normal>Ω</mi></mrow>"
    );
}

#[test]
fn scripts_fractions_roots() {
    assert_eq!(inline("x^2"), "<msup><mi>x</mi><mn>2</mn></msup>");
    assert_eq!(
        inline("x_i^{n+1}"),
        "<msubsup><mi>x</mi><mi>i</mi><mrow><mi>n</mi><mo>+</mo><mn>1</mn></mrow></msubsup>"
    );
    assert_eq!(
        inline("x^23"),
        "<mrow><msup><mi>x</mi><mn>2</mn></msup><mn>3</mn></mrow>"
    );
    assert_eq!(
        inline("\\frac{a}{b}"),
        "<mfrac><mi>a</mi><mi>b</mi></mfrac>"
    );
    assert_eq!(inline("\\frac12"), "<mfrac><mn>1</mn><mn>2</mn></mfrac>");
    assert_eq!(inline("\\sqrt{x}"), "<msqrt><mi>x</mi></msqrt>");
    assert_eq!(
        inline("\\sqrt[3]{x}"),
        "<mroot><mi>x</mi><mn>3</mn></mroot>"
    );
    assert_eq!(inline("f'"), "<msup><mi>f</mi><mo>′</mo></msup>");
    assert_eq!(
        inline("\\binom{n}{k}"),
        "<mrow><mo>(</mo><mfrac linethickness=0><mi>n</mi><mi>k</mi></mfrac><mo>)</mo></mrow>"
    );
}

#[test]
fn big_operators_take_limits_only_in_display() {
    assert_eq!(inline("\\sum_{i=1}^n i"), "<mrow><msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></msubsup><mi>i</mi></mrow>");
    let display = show(&tex_to_mathml("\\sum_{i=1}^n i", true).expect("valid"));
    assert!(
        display.starts_with("<math display=block displaystyle=true><mrow><munderover><mo>∑</mo>"),
        "{display}"
    );
    let lim = show(&tex_to_mathml("\\lim_{x \\to 0} f(x)", true).expect("valid"));
    assert!(
        lim.contains("<munder><mi>lim</mi><mrow><mi>x</mi><mo>→</mo><mn>0</mn></mrow></munder>"),
        "{lim}"
    );
    assert!(inline("\\int_0^1 x\\,dx").starts_with("<mrow><msubsup><mo>∫</mo>"));
}

#[test]
fn fonts_text_accents_fences() {
    assert_eq!(inline("\\mathbb{R}"), "<mi>ℝ</mi>");
    assert_eq!(inline("\\mathbf{v}"), "<mi>𝐯</mi>");
    assert_eq!(inline("\\mathcal{L}"), "<mi>ℒ</mi>");
    assert_eq!(inline("\\mathrm{d}"), "<mi mathvariant=normal>d</mi>");
    assert_eq!(
        inline("\\text{if } x"),
        "<mrow><mtext>if </mtext><mi>x</mi></mrow>"
    );
    assert_eq!(
        inline("\\hat{x}"),
        "<mover accent=true><mi>x</mi><mo>^</mo></mover>"
    );
    assert_eq!(
        inline("\\left( \\frac{a}{b} \\right)"),
        "<mrow><mo stretchy=true>(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac><mo stretchy=true>)</mo></mrow>"
    );
    assert_eq!(
        inline("\\left. x \\right|"),
        "<mrow><mi>x</mi><mo stretchy=true>|</mo></mrow>"
    );
    assert_eq!(inline("\\sin x"), "<mrow><mi>sin</mi><mi>x</mi></mrow>");
    assert_eq!(
        inline("\\operatorname{sgn}(x)"),
        "<mrow><mi>sgn</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow>"
    );
}

#[test]
fn environments_become_tables() {
    assert_eq!(
        inline("\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}"),
        "<mrow><mo>(</mo><mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable><mo>)</mo></mrow>"
    );
    let cases = inline("f(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}");
    assert!(
        cases.contains("<mo stretchy=true>{</mo><mtable columnalign=left left><mtr>"),
        "{cases}"
    );
    let aligned = inline("\\begin{aligned} a &= b \\\\ &= c \\\\ \\end{aligned}");
    assert_eq!(aligned.matches("<mtr>").count(), 2, "{aligned}");
    let top = show(&tex_to_mathml("a &= b \\\\ c &= d", true).expect("valid"));
    assert!(top.contains("<mtable columnalign=right left"), "{top}");
}

#[test]
fn unsupported_and_hostile_tex_is_refused() {
    for tex in [
        "\\href{javascript:alert(1)}{x}",
        "\\url{https://evil.example}",
        "\\style{color:red}{x}",
        "\\class{x}{y}",
        "\\htmlStyle{x}{y}",
        "\\color{red}{x}",
        "\\def\\x{y}",
        "\\newcommand{\\x}{y}",
        "\\require{html}",
        "\\unknowncommand",
        "\\begin{tabular}x\\end{tabular}",
        "#1",
    ] {
        let result = tex_to_mathml(tex, false);
        assert!(
            matches!(
                result,
                Err(MathError::UnsupportedCommand(_) | MathError::UnsupportedEnvironment(_))
            ),
            "{tex}: {result:?}"
        );
    }
    for tex in [
        "{x",
        "x}",
        "\\left( x",
        "\\begin{matrix} a \\end{pmatrix}",
        "\\frac{a}",
        "x^",
    ] {
        assert!(tex_to_mathml(tex, false).is_err(), "{tex}");
    }
    assert_eq!(tex_to_mathml("  ", false), Err(MathError::Empty));
}

#[test]
fn limits_bound_size_and_depth() {
    let long = "x+".repeat(MAX_TEX_BYTES);
    assert_eq!(tex_to_mathml(&long, false), Err(MathError::TooLarge));
    let deep = format!("{}x{}", "{".repeat(200), "}".repeat(200));
    assert_eq!(tex_to_mathml(&deep, false), Err(MathError::TooLarge));
    let fracs = "\\frac".repeat(500) + "1";
    assert_eq!(tex_to_mathml(&fracs, false), Err(MathError::TooLarge));
    let wide = "\\binom ab".repeat(800);
    assert!(wide.len() < MAX_TEX_BYTES);
    assert!(matches!(
        tex_to_mathml(&wide, false),
        Err(MathError::TooLarge)
    ));
}

#[test]
fn model_text_never_becomes_an_attribute() {
    let node = tex_to_mathml("\\text{\" onclick=\"x} \\mathrm{<script>}", false).expect("valid");
    fn attrs_are_constants(node: &MathNode) -> bool {
        match node {
            MathNode::Token { attrs, .. } => attrs.pairs().iter().all(|(_, v)| !v.contains('"')),
            MathNode::Layout {
                attrs, children, ..
            } => {
                attrs.pairs().iter().all(|(_, v)| !v.contains('"'))
                    && children.iter().all(attrs_are_constants)
            }
        }
    }
    assert!(attrs_are_constants(&node));
    assert!(matches!(
        node,
        MathNode::Layout {
            tag: MathTag::Math,
            ..
        }
    ));
}
