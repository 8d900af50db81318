//! Math in answers: TeX converted by [`crate::markdown::math`] into MathML DOM nodes built
//! one by one from the closed tag set (attribute values are the converter's constants; the
//! formula's text is only ever text). TeX that cannot be converted is shown as source in
//! `<code class="math-fallback">` with the reason as a tooltip.

use crate::markdown::math::{tex_to_mathml, MathNode, MathTag};
use leptos::math::{
    math, mfrac, mi, mn, mo, mover, mroot, mrow, mspace, msqrt, mstyle, msub, msubsup, msup,
    mtable, mtd, mtext, mtr, munder, munderover,
};
use leptos::prelude::*;

/// A formula (`display`: on its own line).
#[component]
pub fn MathView(display: bool, tex: String) -> impl IntoView {
    match tex_to_mathml(&tex, display) {
        Ok(node) => render(&node),
        Err(error) => view! {
            <code class="math-fallback" data-testid="math-fallback" title=error.to_string()>
                {tex}
            </code>
        }
        .into_any(),
    }
}

/// One MathML element and its subtree.
fn render(node: &MathNode) -> AnyView {
    match node {
        MathNode::Token { tag, attrs, text } => {
            let text = text.clone();
            match tag {
                MathTag::Mi => mi().mathvariant(attrs.mathvariant).child(text).into_any(),
                MathTag::Mn => mn().child(text).into_any(),
                MathTag::Mo => mo().stretchy(attrs.stretchy).child(text).into_any(),
                _ => mtext().child(text).into_any(),
            }
        }
        MathNode::Layout {
            tag,
            attrs,
            children,
        } => {
            let kids: Vec<AnyView> = children.iter().map(render).collect();
            match tag {
                MathTag::Math => math()
                    .display(attrs.display)
                    .displaystyle(attrs.displaystyle)
                    .child(kids)
                    .into_any(),
                MathTag::Mspace => mspace().width(attrs.width).into_any(),
                MathTag::Msup => msup().child(kids).into_any(),
                MathTag::Msub => msub().child(kids).into_any(),
                MathTag::Msubsup => msubsup().child(kids).into_any(),
                MathTag::Mover => mover().accent(attrs.accent).child(kids).into_any(),
                MathTag::Munder => munder().child(kids).into_any(),
                MathTag::Munderover => munderover().child(kids).into_any(),
                MathTag::Mfrac => mfrac()
                    .linethickness(attrs.linethickness)
                    .child(kids)
                    .into_any(),
                MathTag::Msqrt => msqrt().child(kids).into_any(),
                MathTag::Mroot => mroot().child(kids).into_any(),
                MathTag::Mstyle => mstyle()
                    .displaystyle(attrs.displaystyle)
                    .child(kids)
                    .into_any(),
                MathTag::Mtable => mtable()
                    .columnalign(attrs.columnalign)
                    .child(kids)
                    .into_any(),
                MathTag::Mtr => mtr().child(kids).into_any(),
                MathTag::Mtd => mtd().child(kids).into_any(),
                _ => mrow().child(kids).into_any(),
            }
        }
    }
}
