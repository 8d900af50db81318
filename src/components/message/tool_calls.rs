//! Tool calls of an answer, shown live: the tool's name and its arguments growing as they
//! stream, pretty-printed through the tolerant partial-JSON view (not a spinner).

use crate::components::chat_session::{MessageEntry, ToolCallState};
use crate::partial_json::pretty_partial_json;
use leptos::prelude::*;

/// One box per tool call.
#[component]
pub fn ToolCallsView(entry: MessageEntry) -> impl IntoView {
    view! {
        <For each=move || entry.tool_calls.get() key=|call| call.index let:call>
            <ToolCallBox entry index=call.index />
        </For>
    }
}

/// A single call, re-rendering its arguments as they grow.
#[component]
fn ToolCallBox(entry: MessageEntry, index: u32) -> impl IntoView {
    let call = move || -> Option<ToolCallState> {
        entry
            .tool_calls
            .with(|calls| calls.iter().find(|c| c.index == index).cloned())
    };
    view! {
        <div class="tool-call" data-testid="tool-call">
            <div class="tool-call-header">
                <span class="tool-call-label">"Tool call"</span>
                <code class="tool-name">{move || call().map(|c| c.name).unwrap_or_default()}</code>
                <span class="tool-call-state">
                    {move || if call().is_some_and(|c| c.complete) { "" } else { "receiving arguments…" }}
                </span>
            </div>
            <pre class="tool-arguments">
                {move || call().map(|c| pretty_partial_json(&c.arguments)).unwrap_or_default()}
            </pre>
        </div>
    }
}
