//! The list, table, paragraph or block quote still being written at the end of a streaming answer:
//! finished items (rows, settled text segments) are mounted once and kept, only the one being
//! written is re-rendered, so a long list costs the same per token at item 100 as at item 1
//! (see `markdown::open_container`).

use crate::components::markdown::nodes::render_nodes;
use crate::markdown::{ContainerShell, ContainerStep, MdNode};
use leptos::prelude::*;

/// The open container's children, fed by the tail's updates.
#[derive(Clone, Copy)]
pub struct ContainerSink {
    /// Finished children: only ever appended to while one container is shown.
    closed: RwSignal<Vec<MdNode>>,
    /// The child still being written (0 or 1 node; inline nodes for a paragraph), replaced
    /// per update.
    live: RwSignal<Vec<MdNode>>,
}

impl ContainerSink {
    /// An empty sink.
    pub fn new() -> Self {
        ContainerSink {
            closed: RwSignal::new(Vec::new()),
            live: RwSignal::new(Vec::new()),
        }
    }

    /// Starts over with a freshly rendered container's children.
    pub fn reset(&self, closed: Vec<MdNode>, live: Vec<MdNode>) {
        self.closed.set(closed);
        self.live.set(live);
    }

    /// Appends finished children and replaces the live one.
    pub fn apply(&self, step: ContainerStep) {
        if !step.closed.is_empty() {
            self.closed.update(|closed| closed.extend(step.closed));
        }
        self.live.set(step.live);
    }
}

impl Default for ContainerSink {
    fn default() -> Self {
        Self::new()
    }
}

/// `<ul>`, `<ol>`, `<table>`, `<p>` or `<blockquote>` whose children come from `sink`.
#[component]
pub fn OpenContainerView(shell: ContainerShell, sink: ContainerSink) -> impl IntoView {
    let children = move || {
        view! {
            <For each=move || sink.closed.with(|closed| 0..closed.len()) key=|index| *index let:index>
                {sink.closed.with_untracked(|closed| closed.get(index).map(|node| render_nodes(std::slice::from_ref(node))))}
            </For>
            {move || sink.live.with(|live| render_nodes(live))}
        }
    };
    match shell {
        ContainerShell::BulletList => view! { <ul>{children()}</ul> }.into_any(),
        ContainerShell::OrderedList { start } => {
            let start = (start != 1).then(|| start.to_string());
            view! { <ol start=start>{children()}</ol> }.into_any()
        }
        ContainerShell::Table { head } => view! {
            <table>{render_nodes(std::slice::from_ref(&head))}<tbody>{children()}</tbody></table>
        }
        .into_any(),
        ContainerShell::Paragraph => view! { <p>{children()}</p> }.into_any(),
        ContainerShell::BlockQuote => view! { <blockquote>{children()}</blockquote> }.into_any(),
    }
}
