//! Incremental Markdown view of one answer: frozen blocks are rendered once each (keyed, never
//! re-rendered); only the unfinished tail is re-parsed and re-rendered on every update, after
//! [`complete_tail`] hides half-typed syntax.

use crate::components::markdown_nodes::render_nodes;
use crate::markdown::{complete_tail, parse_to_nodes, Block};
use leptos::prelude::*;

/// The `.markdown` container of an assistant message.
#[component]
pub fn MarkdownView(blocks: RwSignal<Vec<Block>>, tail: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="markdown">
            <For each=move || blocks.get() key=|block| block.id let:block>
                {render_nodes(&parse_to_nodes(&block.source))}
            </For>
            {move || tail.with(|tail| render_nodes(&parse_to_nodes(&complete_tail(tail))))}
        </div>
    }
}
