//! Attached files reach every provider family in its API's documented shape: the
//! configuration names the fake upstream as an OpenAI Chat, OpenAI Responses, Anthropic,
//! Gemini and Ollama provider; the catalog built from it resolves each model to its adapter;
//! one answer is asked for a message carrying an image, a PDF and a `.rs` file; the JSON body
//! the fake upstream RECEIVED (its request record) holds each file as that family's API wants.
//!
//! This goes through config → catalog → adapter → a real HTTP server, not through the app's
//! upload and send routes (written in parallel). The app-level variant belongs here too, once
//! they exist: `TestApp::spawn` with these providers, `POST /api/attachments` for each file,
//! `TurnAction::Send { attachments }` to each family's model, then the same assertions on
//! `fake.records()`.

use crate::support::{env_map, start_fake, FAKE_KEY};
use futures::StreamExt;
use serde_json::{json, Value};
use sluice::providers::{InputFile, InputFileKind, InputMessage, ProviderRequest};
use sluice::server::catalog::Catalog;
use sluice::server::config::Config;
use sluice_fake_upstream::FakeUpstreamHandle;
use sluice_wire::events::Role;
use std::path::Path;

/// The image's bytes and their base64.
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a];
const PNG_B64: &str = "iVBORw0K";
/// The PDF's bytes and their base64.
const PDF: &[u8] = b"%PDF-1.7";
const PDF_B64: &str = "JVBERi0xLjc=";
/// What every family must read as the message text: the `.rs` file fenced, then the words.
const INLINED: &str = "File: main.rs\n```rust\nfn main() {}\n```\n\nWhat do these show?";

/// The five families, all pointing at the fake upstream `base` (`http://127.0.0.1:PORT`).
fn providers_file(base: &str) -> String {
    let provider = |id: &str, kind: &str, url: &str| {
        format!(
            "[[providers]]\nid = \"{id}\"\nkind = \"{kind}\"\nbase_url = \"{url}\"\n\
             api_key_env = \"FAKE_UPSTREAM_KEY\"\nmodels = [\"files-model\"]\n\
             vision_models = [\"files-model\"]\n\n"
        )
    };
    [
        provider("chat", "openai", &format!("{base}/v1")),
        provider("responses", "openai_responses", &format!("{base}/v1")),
        provider("claude", "anthropic", base),
        provider("gem", "gemini", base),
        provider("llama", "ollama", base),
    ]
    .concat()
}

/// A conversation whose last user message carries an image, a PDF and a Rust file.
fn request() -> ProviderRequest {
    let mut last = InputMessage::text(Role::User, "What do these show?");
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
        model: "files-model".into(),
        messages: vec![InputMessage::text(Role::User, "Hi"), last],
    }
}

/// Asks `provider_id`'s model for one answer (whatever the fake replies) and returns the
/// request body the fake recorded, after checking the key arrived where the family sends it.
async fn received_body(catalog: &Catalog, fake: &FakeUpstreamHandle, provider_id: &str) -> Value {
    let before = fake.records().len();
    let (provider, model) = catalog
        .resolve(&format!("{provider_id}/files-model"))
        .expect("configured model");
    let mut request = request();
    request.model = model;
    let mut events = provider.stream(request);
    while events.next().await.is_some() {}
    let records = fake.records();
    assert_eq!(records.len(), before + 1, "{provider_id}: one request");
    let record = records.last().expect("record").clone();
    assert!(record.authorization_ok, "{provider_id}: key where expected");
    assert!(catalog.takes_images(&format!("{provider_id}/files-model")));
    record.body
}

#[tokio::test]
async fn each_family_receives_image_pdf_and_code_file_in_its_own_shape() {
    let fake = start_fake().await;
    let base = format!("http://{}", fake.addr());
    let file = providers_file(&base);
    let env = env_map(&[
        ("FAKE_UPSTREAM_KEY", FAKE_KEY),
        ("SLUICE_DETECT_OLLAMA", "false"),
    ]);
    let config =
        Config::from_parts(Some(Path::new("sluice.toml")), Some(&file), &env).expect("config");
    let catalog = Catalog::build(&config).await.expect("catalog");

    let chat = received_body(&catalog, &fake, "chat").await;
    assert_eq!(
        chat["messages"][0],
        json!({"role": "user", "content": "Hi"})
    );
    assert_eq!(
        chat["messages"][1]["content"],
        json!([
            {"type": "text", "text": INLINED},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{PNG_B64}")}},
            {"type": "file", "file": {"filename": "paper.pdf",
                                      "file_data": format!("data:application/pdf;base64,{PDF_B64}")}},
        ])
    );

    let responses = received_body(&catalog, &fake, "responses").await;
    assert_eq!(
        responses["input"][1]["content"],
        json!([
            {"type": "input_text", "text": INLINED},
            {"type": "input_image", "image_url": format!("data:image/png;base64,{PNG_B64}")},
            {"type": "input_file", "filename": "paper.pdf",
             "file_data": format!("data:application/pdf;base64,{PDF_B64}")},
        ])
    );

    let anthropic = received_body(&catalog, &fake, "claude").await;
    assert_eq!(
        anthropic["messages"][1]["content"],
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
            {"type": "document", "title": "paper.pdf",
             "source": {"type": "base64", "media_type": "application/pdf", "data": PDF_B64}},
            {"type": "text", "text": INLINED},
        ])
    );

    let gemini = received_body(&catalog, &fake, "gem").await;
    assert_eq!(
        gemini["contents"][1]["parts"],
        json!([
            {"inlineData": {"mimeType": "image/png", "data": PNG_B64}},
            {"inlineData": {"mimeType": "application/pdf", "data": PDF_B64}},
            {"text": INLINED},
        ])
    );

    let ollama = received_body(&catalog, &fake, "llama").await;
    assert_eq!(ollama["messages"][1]["images"], json!([PNG_B64]));
    assert_eq!(
        ollama["messages"][1]["content"],
        "File: paper.pdf\n```\nResults: 42\n```\n\nFile: main.rs\n```rust\nfn main() {}\n```\n\n\
         What do these show?"
    );
    // A message without files keeps today's plain shape in every family.
    assert_eq!(
        ollama["messages"][0],
        json!({"role": "user", "content": "Hi"})
    );
    assert_eq!(
        gemini["contents"][0],
        json!({"role": "user", "parts": [{"text": "Hi"}]})
    );
    assert_eq!(
        anthropic["messages"][0],
        json!({"role": "user", "content": "Hi"})
    );
    fake.shutdown().await;
}
