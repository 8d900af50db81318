//! What every adapter shares to put a message's files in its API's shape: base64 and data
//! URLs for images and PDFs, and the fenced block (headed by the file name) that a text or
//! code file — or, for APIs without document input, a PDF's text — becomes inside the
//! message text, before the user's own words. The per-API shapes live in each adapter.

use crate::input::{InputFile, InputFileKind, InputMessage};
use base64::Engine;

/// `data` in standard base64 (with padding), as every API expects.
pub fn base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// `data:<media type>;base64,<data>`, the URL form OpenAI's APIs take for images and files.
pub fn data_url(file: &InputFile) -> String {
    format!("data:{};base64,{}", file.media_type, base64(&file.data))
}

/// Whether the message has files that travel as binary parts (images, or PDFs when the API
/// takes documents): only then does an adapter switch from a plain string to its parts list.
pub fn has_binary_parts(message: &InputMessage, pdf_native: bool) -> bool {
    message.files.iter().any(|file| match file.kind {
        InputFileKind::Image => true,
        InputFileKind::Pdf { .. } => pdf_native,
        InputFileKind::Text { .. } => false,
    })
}

/// The message's text as the model reads it: each text file (and, when `pdf_as_text`, each
/// PDF's text layer) as a fenced block headed by its name, in attachment order, then the
/// user's own text. Without such files it is exactly `message.content`.
pub fn text_with_inlined_files(message: &InputMessage, pdf_as_text: bool) -> String {
    let mut blocks: Vec<String> = message
        .files
        .iter()
        .filter_map(|file| match &file.kind {
            InputFileKind::Text { text } => Some(fenced_block(&file.name, text)),
            InputFileKind::Pdf { text } if pdf_as_text => Some(fenced_block(&file.name, text)),
            _ => None,
        })
        .collect();
    if blocks.is_empty() {
        return message.content.clone();
    }
    if !message.content.is_empty() {
        blocks.push(message.content.clone());
    }
    blocks.join("\n\n")
}

/// `File: <name>` then the text in a fence longer than any backtick run inside it (so the
/// text cannot close it early), tagged with the language the extension names, if obvious.
pub fn fenced_block(name: &str, text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let name: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let newline = if text.ends_with('\n') || text.is_empty() {
        ""
    } else {
        "\n"
    };
    format!(
        "File: {name}\n{fence}{}\n{text}{newline}{fence}",
        fence_language(&name)
    )
}

/// The fence's language tag for a file name's extension; empty when none is obvious.
pub fn fence_language(name: &str) -> &'static str {
    let extension = match name.rsplit_once('.') {
        Some((_, extension)) => extension.to_ascii_lowercase(),
        None => return "",
    };
    match extension.as_str() {
        "rs" => "rust",
        "py" => "python",
        "js" | "mjs" | "cjs" => "javascript",
        "ts" | "mts" => "typescript",
        "tsx" => "tsx",
        "jsx" => "jsx",
        "json" => "json",
        "md" | "markdown" => "markdown",
        "toml" => "toml",
        "yaml" | "yml" => "yaml",
        "html" | "htm" => "html",
        "css" => "css",
        "sh" | "bash" => "bash",
        "go" => "go",
        "java" => "java",
        "c" | "h" => "c",
        "cpp" | "cc" | "cxx" | "hpp" => "cpp",
        "cs" => "csharp",
        "rb" => "ruby",
        "php" => "php",
        "sql" => "sql",
        "kt" => "kotlin",
        "swift" => "swift",
        "csv" => "csv",
        "xml" => "xml",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_wire::events::Role;

    fn text_file(name: &str, text: &str) -> InputFile {
        InputFile {
            name: name.into(),
            media_type: "text/plain".into(),
            data: text.as_bytes().into(),
            kind: InputFileKind::Text { text: text.into() },
        }
    }

    #[test]
    fn a_fence_is_longer_than_any_backtick_run_in_the_text() {
        assert_eq!(
            fenced_block("main.rs", "fn main() {}"),
            "File: main.rs\n```rust\nfn main() {}\n```"
        );
        let block = fenced_block("notes.md", "a\n````\nb\n");
        assert_eq!(block, "File: notes.md\n`````markdown\na\n````\nb\n`````");
        assert_eq!(fenced_block("x", ""), "File: x\n```\n```");
    }

    #[test]
    fn languages_come_from_obvious_extensions_only() {
        assert_eq!(fence_language("lib.RS"), "rust");
        assert_eq!(fence_language("data.csv"), "csv");
        assert_eq!(fence_language("notes.txt"), "");
        assert_eq!(fence_language("Makefile"), "");
    }

    #[test]
    fn text_files_come_before_the_users_words_and_pdfs_only_when_asked() {
        let mut message = InputMessage::text(Role::User, "Review this.");
        assert_eq!(text_with_inlined_files(&message, true), "Review this.");
        message.files.push(text_file("a.rs", "fn a() {}\n"));
        message.files.push(InputFile {
            name: "paper.pdf".into(),
            media_type: "application/pdf".into(),
            data: b"%PDF".as_slice().into(),
            kind: InputFileKind::Pdf {
                text: "Abstract".into(),
            },
        });
        assert_eq!(
            text_with_inlined_files(&message, false),
            "File: a.rs\n```rust\nfn a() {}\n```\n\nReview this."
        );
        assert_eq!(
            text_with_inlined_files(&message, true),
            "File: a.rs\n```rust\nfn a() {}\n```\n\nFile: paper.pdf\n```\nAbstract\n```\n\nReview this."
        );
        assert!(has_binary_parts(&message, true));
        assert!(!has_binary_parts(&message, false));
    }

    #[test]
    fn data_urls_carry_the_type_and_standard_base64() {
        let file = InputFile {
            name: "dot.png".into(),
            media_type: "image/png".into(),
            data: vec![0xff, 0xfe, 0x00].into(),
            kind: InputFileKind::Image,
        };
        assert_eq!(data_url(&file), "data:image/png;base64,//4A");
    }
}
