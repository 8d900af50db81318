//! Incremental Markdown view of one answer. Frozen blocks are rendered once each (keyed, never
//! re-rendered, grouped in chunks of [`BLOCKS_PER_CHUNK`]). The unfinished tail goes through a [`TailView`]: a full update re-renders
//! the tail (after [`crate::markdown::complete_tail`] hides half-typed syntax), but while the
//! tail ends in an open code block, new code is only appended to that block's text node
//! (see [`CodeSink`]), so a long growing code block costs the same per token at any length;
//! likewise a list, table or paragraph still being written keeps its finished items and
//! re-renders only the last one (see [`ContainerSink`]); when blocks before an open paragraph
//! are frozen, only the nodes before it are replaced.
//!
//! Beside it: `nodes` (MdNode tree → DOM), `code_block`, `math` and `open_container` (the
//! list, table, paragraph or quote still being written).

pub mod code_block;
pub mod math;
pub mod nodes;
pub mod open_container;

use crate::components::markdown::code_block::{CodeSink, StreamingCode};
use crate::components::markdown::nodes::render_nodes;
use crate::components::markdown::open_container::{ContainerSink, OpenContainerView};
use crate::markdown::{
    parse_to_nodes, Block, ContainerShell, MdNode, StreamTail, TailUpdate, TailView,
};
use leptos::prelude::*;

/// The tail's open block as currently rendered (the nodes before it are a signal of their own,
/// so a front cut can replace them without remounting the open block).
#[derive(Clone, Default)]
struct RenderedTail {
    /// The open code block: a render counter (so each full render mounts a fresh block)
    /// and its language.
    open_code: Option<(u64, Option<String>)>,
    /// The open list, table or paragraph: a render counter and its element.
    open_container: Option<(u64, ContainerShell)>,
}

/// Frozen blocks per `.markdown-chunk` element. The browser lays out a block's children one by
/// one whenever one of them changes; grouping the frozen blocks keeps the number of children
/// it walks per streamed update small (chunks are laid out from cache), so layout per token
/// does not grow with the answer. Chunks are plain blocks: margins collapse through them.
const BLOCKS_PER_CHUNK: usize = 16;

/// `(id, index)` of the blocks in chunk `chunk`.
fn chunk_keys(blocks: RwSignal<Vec<Block>>, chunk: usize) -> Vec<(u64, usize)> {
    blocks.with(|blocks| {
        blocks
            .iter()
            .enumerate()
            .skip(chunk * BLOCKS_PER_CHUNK)
            .take(BLOCKS_PER_CHUNK)
            .map(|(index, block)| (block.id, index))
            .collect()
    })
}

/// The `.markdown` container of an assistant message.
#[component]
pub fn MarkdownView(blocks: RwSignal<Vec<Block>>, tail: RwSignal<StreamTail>) -> impl IntoView {
    let rendered = RwSignal::new(RenderedTail::default());
    // Nodes of the tail before its open block (all of it when nothing is open).
    let prefix = RwSignal::new(Vec::<MdNode>::new());
    let model = StoredValue::new(TailView::new());
    let sink = CodeSink::new();
    let container_sink = ContainerSink::new();
    Effect::new(move |_| {
        let update = tail.with(|tail| model.try_update_value(|model| model.update(tail)));
        match update {
            Some(TailUpdate::Render(render)) => {
                let open_code = render.open_code.map(|open| {
                    sink.reset(open.code);
                    (model.with_value(TailView::full_renders), open.lang)
                });
                let open_container = render.open_container.map(|open| {
                    container_sink.reset(open.closed, open.live);
                    (model.with_value(TailView::full_renders), open.shell)
                });
                prefix.set(render.nodes);
                rendered.set(RenderedTail {
                    open_code,
                    open_container,
                });
            }
            Some(TailUpdate::Append(text)) => sink.append(&text),
            Some(TailUpdate::Container(step)) => container_sink.apply(step),
            Some(TailUpdate::FrontCut {
                prefix: nodes,
                step,
            }) => {
                prefix.set(nodes);
                if let Some(step) = step {
                    container_sink.apply(step);
                }
            }
            Some(TailUpdate::Unchanged) | None => {}
        }
    });
    view! {
        <div class="markdown">
            <For each=move || 0..blocks.with(|blocks| blocks.len().div_ceil(BLOCKS_PER_CHUNK)) key=|chunk| *chunk let:chunk>
                <div class="markdown-chunk">
                    <For each=move || chunk_keys(blocks, chunk) key=|key| key.0 let:key>
                        {blocks.with_untracked(|blocks| {
                            blocks.get(key.1).filter(|block| block.id == key.0).map(|block| render_nodes(&parse_to_nodes(&block.source)))
                        })}
                    </For>
                </div>
            </For>
            {move || prefix.with(|nodes| render_nodes(nodes))}
            {move || {
                rendered
                    .with(|tail| tail.open_container.clone())
                    .map(|(_, shell)| view! { <OpenContainerView shell sink=container_sink /> })
            }}
            {move || {
                rendered
                    .with(|tail| tail.open_code.clone())
                    .map(|(_, lang)| view! { <StreamingCode lang sink /> })
            }}
        </div>
    }
}
