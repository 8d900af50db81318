//! Renders a sanitized [`MdNode`] tree to an HTML string.
//!
//! Used by tests (to compare renderings and to check that hostile input
//! cannot produce dangerous markup); views build DOM nodes instead. Every piece
//! of model text is escaped; tag and attribute names come only from this
//! file. Links open in a new tab with `rel="noopener noreferrer"`; inert
//! links become `<span class="inert-link">`; remote images become a
//! `<button class="load-image">` and only inline raster data becomes `<img>`.
//! Code blocks in a known language get `<span class="hl-…">` token spans; math becomes
//! MathML from the closed tag set of [`crate::math`], or `<code class="math-fallback">`
//! with the TeX when it cannot be converted.

use crate::highlight::{highlight, pieces};
use crate::math::{tex_to_mathml, MathNode};
use crate::tree::{CellAlign, ImageSource, MdNode, MdTag};

/// Renders nodes to escaped HTML.
pub fn to_html(nodes: &[MdNode]) -> String {
    let mut out = String::new();
    render_nodes(nodes, &mut out);
    out
}

/// Renders a list of nodes in order.
fn render_nodes(nodes: &[MdNode], out: &mut String) {
    for node in nodes {
        render_node(node, out);
    }
}

/// Renders one node.
fn render_node(node: &MdNode, out: &mut String) {
    match node {
        MdNode::Element { tag, children } => {
            let (open, close) = tag_markup(*tag);
            out.push_str(open);
            render_nodes(children, out);
            out.push_str(close);
        }
        MdNode::Text(text) => push_escaped(text, out),
        MdNode::Code(code) => {
            out.push_str("<code>");
            push_escaped(code, out);
            out.push_str("</code>");
        }
        MdNode::Link {
            href,
            title,
            children,
        } => render_link(href.as_deref(), title.as_deref(), children, out),
        MdNode::Image { alt, source } => render_image(alt, source, out),
        MdNode::CodeBlock { lang, code } => render_code_block(lang.as_deref(), code, out),
        MdNode::Math { display, tex } => render_math(*display, tex, out),
        MdNode::TaskCheckbox { checked } => {
            out.push_str(if *checked {
                "<input type=\"checkbox\" disabled checked>"
            } else {
                "<input type=\"checkbox\" disabled>"
            });
        }
        MdNode::Heading { level, children } => {
            let level = (*level).clamp(1, 6);
            out.push_str(&format!("<h{level}>"));
            render_nodes(children, out);
            out.push_str(&format!("</h{level}>"));
        }
        MdNode::OrderedList { start, children } => {
            if *start == 1 {
                out.push_str("<ol>");
            } else {
                out.push_str(&format!("<ol start=\"{start}\">"));
            }
            render_nodes(children, out);
            out.push_str("</ol>");
        }
        MdNode::TableCell {
            header,
            align,
            children,
        } => {
            let name = if *header { "th" } else { "td" };
            out.push('<');
            out.push_str(name);
            out.push_str(align_class(*align));
            out.push('>');
            render_nodes(children, out);
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        MdNode::SoftBreak => out.push('\n'),
        MdNode::HardBreak => out.push_str("<br>"),
        MdNode::Rule => out.push_str("<hr>"),
    }
}

/// A code block, highlighted when its language is known (token spans with classes).
fn render_code_block(lang: Option<&str>, code: &str, out: &mut String) {
    out.push_str("<pre><code");
    if let Some(lang) = lang {
        out.push_str(" class=\"language-");
        push_escaped(lang, out);
        out.push('"');
    }
    out.push('>');
    let tokens = lang
        .and_then(|lang| highlight(lang, code))
        .unwrap_or_default();
    for piece in pieces(code, &tokens) {
        match piece.class {
            Some(class) => {
                out.push_str("<span class=\"");
                out.push_str(class.css_class());
                out.push_str("\">");
                push_escaped(piece.text, out);
                out.push_str("</span>");
            }
            None => push_escaped(piece.text, out),
        }
    }
    out.push_str("</code></pre>");
}

/// Math as MathML, or its TeX as text when it cannot be converted.
fn render_math(display: bool, tex: &str, out: &mut String) {
    match tex_to_mathml(tex, display) {
        Ok(node) => push_math_node(&node, out),
        Err(error) => {
            out.push_str("<code class=\"math-fallback\" title=\"");
            push_escaped(&error.to_string(), out);
            out.push_str("\">");
            push_escaped(tex, out);
            out.push_str("</code>");
        }
    }
}

/// One MathML element: names and attributes are constants, text is escaped.
fn push_math_node(node: &MathNode, out: &mut String) {
    let (tag, attrs) = match node {
        MathNode::Token { tag, attrs, .. } | MathNode::Layout { tag, attrs, .. } => (tag, attrs),
    };
    out.push('<');
    out.push_str(tag.name());
    for (name, value) in attrs.pairs() {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        push_escaped(value, out);
        out.push('"');
    }
    out.push('>');
    match node {
        MathNode::Token { text, .. } => push_escaped(text, out),
        MathNode::Layout { children, .. } => {
            for child in children {
                push_math_node(child, out);
            }
        }
    }
    out.push_str("</");
    out.push_str(tag.name());
    out.push('>');
}

/// A clickable link, or an inert span when the destination was refused.
fn render_link(href: Option<&str>, title: Option<&str>, children: &[MdNode], out: &mut String) {
    let Some(href) = href else {
        out.push_str("<span class=\"inert-link\">");
        render_nodes(children, out);
        out.push_str("</span>");
        return;
    };
    out.push_str("<a href=\"");
    push_escaped(href, out);
    out.push('"');
    if let Some(title) = title {
        out.push_str(" title=\"");
        push_escaped(title, out);
        out.push('"');
    }
    out.push_str(" rel=\"noopener noreferrer\" target=\"_blank\">");
    render_nodes(children, out);
    out.push_str("</a>");
}

/// An image according to its source policy.
fn render_image(alt: &str, source: &ImageSource, out: &mut String) {
    match source {
        ImageSource::InlineData(url) => {
            out.push_str("<img src=\"");
            push_escaped(url, out);
            out.push_str("\" alt=\"");
            push_escaped(alt, out);
            out.push_str("\">");
        }
        ImageSource::ClickToLoad { host, .. } => {
            out.push_str("<button type=\"button\" class=\"load-image\">Load image from ");
            push_escaped(host, out);
            out.push_str("</button>");
        }
        ImageSource::Blocked => {
            out.push_str("<span class=\"blocked-image\">");
            push_escaped(alt, out);
            out.push_str("</span>");
        }
    }
}

/// Opening and closing markup of a plain container.
fn tag_markup(tag: MdTag) -> (&'static str, &'static str) {
    match tag {
        MdTag::Paragraph => ("<p>", "</p>"),
        MdTag::BlockQuote => ("<blockquote>", "</blockquote>"),
        MdTag::UnorderedList => ("<ul>", "</ul>"),
        MdTag::ListItem => ("<li>", "</li>"),
        MdTag::Emphasis => ("<em>", "</em>"),
        MdTag::Strong => ("<strong>", "</strong>"),
        MdTag::Strikethrough => ("<del>", "</del>"),
        MdTag::Table => ("<table>", "</table>"),
        MdTag::TableHead => ("<thead>", "</thead>"),
        MdTag::TableBody => ("<tbody>", "</tbody>"),
        MdTag::TableRow => ("<tr>", "</tr>"),
        MdTag::RawHtmlBlock => ("<pre class=\"raw-html\">", "</pre>"),
    }
}

/// Class attribute (with leading space) for a cell's alignment. A class, not
/// an inline style, so a strict Content-Security-Policy still applies.
fn align_class(align: CellAlign) -> &'static str {
    match align {
        CellAlign::None => "",
        CellAlign::Left => " class=\"align-left\"",
        CellAlign::Center => " class=\"align-center\"",
        CellAlign::Right => " class=\"align-right\"",
    }
}

/// Appends text with `& < > " '` escaped (safe in content and in quoted attributes).
fn push_escaped(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}
