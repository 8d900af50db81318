//! Attached files in every family's request body (built, not sent): an image, a PDF and a
//! `.rs` file in one user message must come out in each API's documented shape — OpenAI Chat
//! `image_url` / `file` parts, Responses `input_image` / `input_file`, Anthropic `image` /
//! `document` blocks, Gemini `inlineData` parts, Ollama `images` with the PDF's text inlined —
//! and the text file inlined as a fenced block before the user's words, everywhere.

use serde_json::{json, Value};
use sluice_providers::anthropic::http::AnthropicProvider;
use sluice_providers::gemini::http::GeminiProvider;
use sluice_providers::http_stream::HttpAdapter;
use sluice_providers::ollama::http::OllamaProvider;
use sluice_providers::openai::chat_http::OpenAiProvider;
use sluice_providers::openai::responses_http::OpenAiResponsesProvider;
use sluice_providers::{InputFile, InputFileKind, InputMessage, ProviderRequest, ProviderSettings};
use sluice_wire::events::Role;

/// The PNG's bytes (any bytes do: adapters send what the store kept) and their base64.
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a];
const PNG_B64: &str = "iVBORw0K";
/// The PDF's bytes and their base64.
const PDF: &[u8] = b"%PDF-1.7";
const PDF_B64: &str = "JVBERi0xLjc=";
/// What the user typed.
const QUESTION: &str = "What do these show?";
/// The text every family must read: the `.rs` file fenced, then the question.
const INLINED: &str = "File: main.rs\n```rust\nfn main() {}\n```\n\nWhat do these show?";

fn settings(id: &str) -> ProviderSettings {
    ProviderSettings {
        id: id.into(),
        display_name: id.into(),
        base_url: "http://127.0.0.1:9/".into(),
        api_key: None,
        models: vec!["m".into()],
        vision_models: Vec::new(),
        max_tokens: None,
        temperature: None,
        stall_timeout: std::time::Duration::from_secs(120),
    }
}

/// A conversation whose last user message carries an image, a PDF and a Rust file.
fn request() -> ProviderRequest {
    let mut last = InputMessage::text(Role::User, QUESTION);
    last.files = vec![
        InputFile {
            name: "photo.png".into(),
            media_type: "image/png".into(),
            data: PNG.into(),
            kind: InputFileKind::Image,
        },
        InputFile {
            name: "paper.pdf".into(),
            media_type: "application/pdf".into(),
            data: PDF.into(),
            kind: InputFileKind::Pdf {
                text: "Results: 42".into(),
            },
        },
        InputFile {
            name: "main.rs".into(),
            media_type: "text/plain; charset=utf-8".into(),
            data: b"fn main() {}".as_slice().into(),
            kind: InputFileKind::Text {
                text: "fn main() {}".into(),
            },
        },
    ];
    ProviderRequest {
        model: "m".into(),
        messages: vec![
            InputMessage::text(Role::User, "Hi"),
            InputMessage::text(Role::Assistant, "Hello!"),
            last,
        ],
    }
}

/// The JSON body `adapter` would send for [`request`].
fn body_of(adapter: &dyn HttpAdapter) -> Value {
    let built = adapter.build_request(&request()).build().expect("request");
    let bytes = built.body().and_then(|b| b.as_bytes()).expect("body");
    serde_json::from_slice(bytes).expect("JSON body")
}

#[test]
fn openai_chat_sends_text_then_an_image_url_and_a_file_part() {
    let body = body_of(&OpenAiProvider::new(settings("openai")).unwrap());
    assert_eq!(
        body["messages"][0],
        json!({"role": "user", "content": "Hi"})
    );
    assert_eq!(
        body["messages"][2],
        json!({"role": "user", "content": [
            {"type": "text", "text": INLINED},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{PNG_B64}")}},
            {"type": "file", "file": {
                "filename": "paper.pdf",
                "file_data": format!("data:application/pdf;base64,{PDF_B64}"),
            }},
        ]})
    );
}

#[test]
fn responses_sends_input_text_then_input_image_and_input_file() {
    let body = body_of(&OpenAiResponsesProvider::new(settings("openai-responses")).unwrap());
    assert_eq!(body["input"][0], json!({"role": "user", "content": "Hi"}));
    assert_eq!(
        body["input"][2],
        json!({"role": "user", "content": [
            {"type": "input_text", "text": INLINED},
            {"type": "input_image", "image_url": format!("data:image/png;base64,{PNG_B64}")},
            {"type": "input_file", "filename": "paper.pdf",
             "file_data": format!("data:application/pdf;base64,{PDF_B64}")},
        ]})
    );
}

#[test]
fn anthropic_sends_image_and_titled_document_blocks_before_the_text() {
    let body = body_of(&AnthropicProvider::new(settings("anthropic")).unwrap());
    assert_eq!(
        body["messages"][0],
        json!({"role": "user", "content": "Hi"})
    );
    assert_eq!(
        body["messages"][2],
        json!({"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PDF_B64},
             "title": "paper.pdf"},
            {"type": "text", "text": INLINED},
        ]})
    );
}

#[test]
fn gemini_sends_inline_data_parts_before_the_text() {
    let body = body_of(&GeminiProvider::new(settings("gemini")).unwrap());
    assert_eq!(
        body["contents"][0],
        json!({"role": "user", "parts": [{"text": "Hi"}]})
    );
    assert_eq!(
        body["contents"][2],
        json!({"role": "user", "parts": [
            {"inlineData": {"mimeType": "image/png", "data": PNG_B64}},
            {"inlineData": {"mimeType": "application/pdf", "data": PDF_B64}},
            {"text": INLINED},
        ]})
    );
}

#[test]
fn ollama_sends_images_and_inlines_the_pdf_text() {
    let body = body_of(&OllamaProvider::new(settings("ollama")).unwrap());
    assert_eq!(
        body["messages"][0],
        json!({"role": "user", "content": "Hi"})
    );
    assert_eq!(
        body["messages"][2],
        json!({
            "role": "user",
            "content": "File: paper.pdf\n```\nResults: 42\n```\n\n\
                        File: main.rs\n```rust\nfn main() {}\n```\n\nWhat do these show?",
            "images": [PNG_B64],
        })
    );
}

#[test]
fn a_message_with_only_text_files_keeps_a_string_content_everywhere() {
    let mut only_text = request();
    let last = only_text.messages.last_mut().unwrap();
    last.files
        .retain(|f| matches!(f.kind, InputFileKind::Text { .. }));
    let bodies: Vec<Value> = [
        Box::new(OpenAiProvider::new(settings("openai")).unwrap()) as Box<dyn HttpAdapter>,
        Box::new(AnthropicProvider::new(settings("anthropic")).unwrap()),
        Box::new(OllamaProvider::new(settings("ollama")).unwrap()),
    ]
    .iter()
    .map(|adapter| {
        let built = adapter.build_request(&only_text).build().unwrap();
        serde_json::from_slice(built.body().and_then(|b| b.as_bytes()).unwrap()).unwrap()
    })
    .collect();
    for body in bodies {
        assert_eq!(
            body["messages"][2],
            json!({"role": "user", "content": INLINED})
        );
    }
}

#[test]
fn an_image_without_words_sends_no_empty_text_part() {
    let mut bare = request();
    let last = bare.messages.last_mut().unwrap();
    last.content.clear();
    last.files.truncate(1);
    let anthropic = AnthropicProvider::new(settings("anthropic")).unwrap();
    let built = anthropic.build_request(&bare).build().unwrap();
    let body: Value = serde_json::from_slice(built.body().unwrap().as_bytes().unwrap()).unwrap();
    assert_eq!(
        body["messages"][2]["content"],
        json!([{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}}])
    );
    let gemini = GeminiProvider::new(settings("gemini")).unwrap();
    let built = gemini.build_request(&bare).build().unwrap();
    let body: Value = serde_json::from_slice(built.body().unwrap().as_bytes().unwrap()).unwrap();
    assert_eq!(
        body["contents"][2]["parts"],
        json!([{"inlineData": {"mimeType": "image/png", "data": PNG_B64}}])
    );
}
