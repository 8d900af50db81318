//! Turns the sanitized [`MdNode`] tree into DOM nodes. No HTML string from the model is ever
//! parsed by the browser: every element here is created from a closed set of tags, text is
//! inserted as text, and the only URL attributes come from the allow-listed tree.

use crate::components::markdown::code_block::CodeBlock;
use crate::components::markdown::math::MathView;
use crate::markdown::{CellAlign, ImageSource, MdNode, MdTag};
use leptos::prelude::*;

/// Renders a list of nodes.
pub fn render_nodes(nodes: &[MdNode]) -> Vec<AnyView> {
    nodes.iter().map(render_node).collect()
}

/// Renders one node.
fn render_node(node: &MdNode) -> AnyView {
    match node {
        MdNode::Element { tag, children } => render_element(*tag, render_nodes(children)),
        MdNode::Text(text) => text.clone().into_any(),
        MdNode::Code(code) => view! { <code>{code.clone()}</code> }.into_any(),
        MdNode::Link { href: Some(href), title, children } => view! {
            <a href=href.clone() title=title.clone() rel="noopener noreferrer" target="_blank">
                {render_nodes(children)}
            </a>
        }
        .into_any(),
        MdNode::Link { href: None, children, .. } => {
            view! { <span class="inert-link" title="Link blocked: unsafe address">{render_nodes(children)}</span> }
                .into_any()
        }
        MdNode::Image { alt, source } => render_image(alt, source),
        MdNode::CodeBlock { lang, code } => view! { <CodeBlock lang=lang.clone() code=code.clone() /> }.into_any(),
        MdNode::Math { display, tex } => view! { <MathView display=*display tex=tex.clone() /> }.into_any(),
        MdNode::TaskCheckbox { checked } => {
            // A form field needs a name for screen readers (axe `label`); the item's text follows.
            let label = if *checked { "Done" } else { "Not done" };
            view! { <input type="checkbox" disabled=true checked=*checked aria-label=label /> }
                .into_any()
        }
        MdNode::Heading { level, children } => render_heading(*level, render_nodes(children)),
        MdNode::OrderedList { start, children } => {
            let start = (*start != 1).then(|| start.to_string());
            view! { <ol start=start>{render_nodes(children)}</ol> }.into_any()
        }
        MdNode::TableCell { header, align, children } => {
            // Classes, not inline styles, so a strict Content-Security-Policy needs no exception.
            let class = match align {
                CellAlign::None => None,
                CellAlign::Left => Some("align-left"),
                CellAlign::Center => Some("align-center"),
                CellAlign::Right => Some("align-right"),
            };
            let children = render_nodes(children);
            if *header {
                view! { <th class=class>{children}</th> }.into_any()
            } else {
                view! { <td class=class>{children}</td> }.into_any()
            }
        }
        MdNode::SoftBreak => "\n".into_any(),
        MdNode::HardBreak => view! { <br /> }.into_any(),
        MdNode::Rule => view! { <hr /> }.into_any(),
    }
}

/// Renders an attribute-free container.
fn render_element(tag: MdTag, children: Vec<AnyView>) -> AnyView {
    let name = match tag {
        MdTag::Paragraph => "p",
        MdTag::BlockQuote => "blockquote",
        MdTag::UnorderedList => "ul",
        MdTag::ListItem => "li",
        MdTag::Emphasis => "em",
        MdTag::Strong => "strong",
        MdTag::Strikethrough => "del",
        MdTag::Table => "table",
        MdTag::TableHead => "thead",
        MdTag::TableBody => "tbody",
        MdTag::TableRow => "tr",
        MdTag::RawHtmlBlock => {
            return view! { <pre class="raw-html">{children}</pre> }.into_any();
        }
    };
    container(name, children)
}

/// Renders `h1`..`h6`.
fn render_heading(level: u8, children: Vec<AnyView>) -> AnyView {
    const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
    let index = usize::from(level.clamp(1, 6)) - 1;
    container(HEADINGS[index], children)
}

/// One element type for every attribute-free tag (names from the closed set above only):
/// a `view!` per tag would compile the render, hydrate and update code once per tag.
fn container(name: &'static str, children: Vec<AnyView>) -> AnyView {
    leptos::html::custom(name).child(children).into_any()
}

/// Renders an image according to its policy: remote ones wait for a click.
fn render_image(alt: &str, source: &ImageSource) -> AnyView {
    match source {
        ImageSource::InlineData(url) => {
            view! { <img src=url.clone() alt=alt.to_string() /> }.into_any()
        }
        ImageSource::ClickToLoad { url, host } => {
            view! { <RemoteImage url=url.clone() host=host.clone() alt=alt.to_string() /> }
                .into_any()
        }
        ImageSource::Blocked => {
            view! { <span class="blocked-image">"[image blocked: " {alt.to_string()} "]"</span> }
                .into_any()
        }
    }
}

/// A remote image that is only fetched after the reader asks for it (blocks the Markdown-image
/// exfiltration attack). The page's Content-Security-Policy (`img-src 'self' data:`) still
/// refuses the fetch, so when the image cannot load it becomes a link that opens it in a new
/// tab (a top-level navigation, without referrer), where the reader sees it outside the page.
#[component]
fn RemoteImage(url: String, host: String, alt: String) -> impl IntoView {
    let loaded = RwSignal::new(false);
    let blocked = RwSignal::new(false);
    let label = format!("Load image from {host}");
    let open_label = format!("Open image from {host} in a new tab");
    move || {
        if blocked.get() {
            view! {
                <a
                    class="open-image"
                    href=url.clone()
                    target="_blank"
                    rel="noopener noreferrer"
                    title=alt.clone()
                >
                    {open_label.clone()}
                </a>
            }
            .into_any()
        } else if loaded.get() {
            view! {
                <img
                    src=url.clone()
                    alt=alt.clone()
                    referrerpolicy="no-referrer"
                    on:error=move |_| blocked.set(true)
                />
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="load-image" title=alt.clone() on:click=move |_| loaded.set(true)>
                    {label.clone()}
                </button>
            }
            .into_any()
        }
    }
}
