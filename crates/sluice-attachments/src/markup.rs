//! SVG and HTML recognised in text: both can carry scripts (and a page served them could run
//! them), so Sluice refuses them by content as well as by name. Only the document's start
//! counts (after whitespace, comments and an XML declaration): source code that merely
//! mentions `<svg>` (a React component, a Markdown note) is ordinary text.

/// Active markup Sluice refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    /// An SVG image (`<svg`, an XML document whose root is `svg`).
    Svg,
    /// An HTML or XHTML page.
    Html,
}

impl Markup {
    /// "x is …" in the refusal.
    pub fn what(self) -> &'static str {
        match self {
            Self::Svg => "an SVG image",
            Self::Html => "an HTML page",
        }
    }

    /// "its bytes are …" in a mismatch.
    pub fn bytes_description(self) -> &'static str {
        match self {
            Self::Svg => "SVG markup",
            Self::Html => "HTML text",
        }
    }
}

/// How much of the text's start is examined.
const HEAD_BYTES: usize = 4096;

/// Element starts that make a document HTML.
const HTML_STARTS: &[&str] = &[
    "<!doctype html",
    "<html",
    "<head",
    "<body",
    "<script",
    "<iframe",
    "<meta",
    "<base",
    "<frameset",
];

/// Whether `text` is an SVG or HTML document.
pub fn detect_markup(text: &str) -> Option<Markup> {
    let mut end = text.len().min(HEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text[..end].to_ascii_lowercase();
    let (rest, is_xml) = skip_prologue(&head);
    if rest.starts_with("<svg") || rest.starts_with("<!doctype svg") {
        return Some(Markup::Svg);
    }
    if HTML_STARTS.iter().any(|start| rest.starts_with(start)) {
        return Some(Markup::Html);
    }
    if is_xml {
        if rest.contains("<svg") || rest.contains("http://www.w3.org/2000/svg") {
            return Some(Markup::Svg);
        }
        if rest.contains("<html") || rest.contains("http://www.w3.org/1999/xhtml") {
            return Some(Markup::Html);
        }
    }
    None
}

/// Skips leading whitespace, comments and processing instructions (`<?xml …?>`); says whether
/// an XML declaration was among them.
fn skip_prologue(head: &str) -> (&str, bool) {
    let mut rest = head;
    let mut is_xml = false;
    loop {
        rest = rest.trim_start();
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |at| &comment[at + 3..]);
        } else if let Some(instruction) = rest.strip_prefix("<?") {
            is_xml |= instruction.starts_with("xml");
            rest = instruction
                .find("?>")
                .map_or("", |at| &instruction[at + 2..]);
        } else {
            return (rest, is_xml);
        }
    }
}
