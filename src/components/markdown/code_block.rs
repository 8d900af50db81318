//! Fenced code blocks: a header with the language label, a wrap toggle and Copy, over a
//! `<pre><code>`. A finished block ([`CodeBlock`]) is highlighted with token spans (classes
//! only: no inline styles, no HTML strings); the block still being written
//! ([`StreamingCode`]) is plain text in one DOM text node that only ever grows by appending
//! (see [`CodeSink`]). Stable hooks for tests: `data-testid` `code-block` (with `data-state`
//! `done` or `streaming`), `code-lang`, `code-copy`, `code-wrap`; class `wrap` when wrapped.

use crate::markdown::highlight::{highlight, pieces};
use leptos::html::Code;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A finished code block, highlighted when its language is known.
#[component]
pub fn CodeBlock(lang: Option<String>, code: String) -> impl IntoView {
    let tokens = lang
        .as_deref()
        .and_then(|lang| highlight(lang, &code))
        .unwrap_or_default();
    let content: Vec<AnyView> = pieces(&code, &tokens)
        .into_iter()
        .map(|piece| match piece.class {
            Some(class) => {
                view! { <span class=class.css_class()>{piece.text.to_string()}</span> }.into_any()
            }
            None => piece.text.to_string().into_any(),
        })
        .collect();
    view! { <CodeFrame lang state="done" code_ref=NodeRef::new()>{content}</CodeFrame> }
}

/// The code block still being written: starts empty and receives its text from `sink`.
#[component]
pub fn StreamingCode(lang: Option<String>, sink: CodeSink) -> impl IntoView {
    let code_ref = NodeRef::<Code>::new();
    sink.attach(code_ref);
    code_ref.on_load(move |_| sink.flush());
    view! { <CodeFrame lang state="streaming" code_ref>""</CodeFrame> }
}

/// The chrome shared by both kinds of block.
#[component]
fn CodeFrame(
    lang: Option<String>,
    state: &'static str,
    code_ref: NodeRef<Code>,
    children: Children,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let wrapped = RwSignal::new(false);
    let label = lang.clone().unwrap_or_else(|| "text".to_string());
    let class = lang.map(|lang| format!("language-{lang}"));
    let copy = move |_| {
        if let Some(code) = code_ref.get_untracked() {
            copy_to_clipboard(&code.text_content().unwrap_or_default());
            copied.set(true);
        }
    };
    view! {
        <div
            class=move || if wrapped.get() { "code-block wrap" } else { "code-block" }
            data-testid="code-block"
            data-state=state
        >
            <div class="code-header">
                <span class="code-lang" data-testid="code-lang">{label}</span>
                <button
                    type="button"
                    class="code-wrap"
                    data-testid="code-wrap"
                    aria-pressed=move || wrapped.get().to_string()
                    on:click=move |_| wrapped.update(|w| *w = !*w)
                >
                    "Wrap"
                </button>
                <button
                    type="button"
                    class="code-copy"
                    data-testid="code-copy"
                    aria-label="Copy code"
                    on:click=copy
                >
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
            <pre>
                <code class=class node_ref=code_ref>{children()}</code>
            </pre>
        </div>
    }
}

/// Where the text of the streaming code block goes: text waits in `pending` until the
/// block's `<code>` is in the DOM, then is appended to its last text node (`appendData`), so
/// each update costs the size of the new text, never the size of the block.
#[derive(Clone, Copy)]
pub struct CodeSink {
    /// Text not yet in the DOM and the element it goes to.
    state: StoredValue<SinkState>,
}

/// The mutable part of a [`CodeSink`].
#[derive(Default)]
struct SinkState {
    /// Text received but not yet appended to the DOM.
    pending: String,
    /// The `<code>` of the current streaming block, once rendered.
    target: Option<NodeRef<Code>>,
}

impl CodeSink {
    /// An empty sink.
    pub fn new() -> Self {
        CodeSink {
            state: StoredValue::new(SinkState::default()),
        }
    }

    /// Starts a new block whose text so far is `code` (its element is not rendered yet).
    pub fn reset(&self, code: String) {
        self.state.update_value(|state| {
            state.pending = code;
            state.target = None;
        });
    }

    /// Adds text to the block.
    pub fn append(&self, text: &str) {
        self.state
            .update_value(|state| state.pending.push_str(text));
        self.flush();
    }

    /// Connects the block's `<code>` element.
    fn attach(&self, target: NodeRef<Code>) {
        self.state.update_value(|state| state.target = Some(target));
    }

    /// Appends pending text to the element, if it is in the DOM.
    fn flush(&self) {
        self.state.update_value(|state| {
            let Some(element) = state.target.and_then(|target| target.get_untracked()) else {
                return;
            };
            if state.pending.is_empty() {
                return;
            }
            let last_text = element
                .last_child()
                .and_then(|node| node.dyn_into::<web_sys::Text>().ok());
            let appended = match last_text {
                Some(text) => text.append_data(&state.pending).is_ok(),
                None => element.append_with_str_1(&state.pending).is_ok(),
            };
            if appended {
                state.pending.clear();
            }
        });
    }
}

impl Default for CodeSink {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes text to the clipboard (browser only; a no-op where there is no window).
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}
