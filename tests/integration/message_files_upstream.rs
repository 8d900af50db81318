//! What reaches the upstream when messages carry files (the recorded request body of the
//! fake OpenAI-compatible server): every user message on the path carries its files, on a
//! first send, a follow-up and a regenerate; an image goes in OpenAI's `image_url` shape to a
//! model marked as seeing. Needs the providers' file shapes (text inlined as a fenced block,
//! images as data URLs) and their per-model vision setting ([`VISION_ENV`]).

use crate::support::{start_fake, stored_ids, EventReader, TestApp};
use serde_json::{json, Value};
use sluice::attachments::{AttachmentKind, AttachmentMeta};
use sluice::store::UserId;

/// The setting that marks the fake's models as taking images.
const VISION_ENV: &str = "OPENAI_VISION_MODELS";

/// A pending text upload of the local user's.
async fn text_file(app: &TestApp, name: &str, text: &str) -> AttachmentMeta {
    app.state
        .store
        .put_attachment_for_tests(
            UserId::LOCAL,
            name,
            AttachmentKind::Text,
            "text/plain; charset=utf-8",
            text.as_bytes(),
            Some(text),
        )
        .await
        .expect("upload")
}

/// The `messages` of the fake's last recorded request body, as text.
fn last_sent(fake: &sluice_fake_upstream::FakeUpstreamHandle) -> Vec<Value> {
    let records = fake.records();
    let body = &records.last().expect("a request").body;
    body["messages"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn every_user_message_goes_upstream_with_its_files_regenerate_included() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let code = text_file(&app, "main.rs", "fn main() { println!(\"zebra\"); }").await;
    let response = app
        .api(
            "/api/chat/stream",
            json!({"model": "openai/fake-echo",
                   "action": {"type": "send", "content": "review", "attachments": [code.id]}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let first = stored_ids(&EventReader::new(response).collect().await);
    let sent = last_sent(&fake);
    assert!(sent[0].to_string().contains("zebra"), "{sent:?}");

    // A follow-up: the earlier message still carries its file.
    app.send_and_finish(
        Some(&first.conversation_id),
        Some(&first.answer_id),
        "and now?",
    )
    .await;
    let sent = last_sent(&fake);
    assert_eq!(sent.len(), 3);
    assert!(sent[0].to_string().contains("zebra"), "{sent:?}");
    assert!(!sent[2].to_string().contains("zebra"));

    // Regenerate the first answer: the file goes again.
    let again = app
        .regenerate(&first.conversation_id, &first.user_message_id)
        .await;
    EventReader::new(again).collect().await;
    let sent = last_sent(&fake);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].to_string().contains("zebra"), "{sent:?}");
}

#[tokio::test]
async fn the_fake_upstream_receives_an_image_in_openais_shape() {
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(&fake, "fake-echo", &[(VISION_ENV, "fake-echo")]).await;
    let bytes = b"\x89PNG\r\n\x1a\nstored bytes";
    let photo = app
        .state
        .store
        .put_attachment_for_tests(
            UserId::LOCAL,
            "photo.png",
            AttachmentKind::Image,
            "image/png",
            bytes,
            None,
        )
        .await
        .expect("upload");
    let response = app
        .api(
            "/api/chat/stream",
            json!({"model": "openai/fake-echo",
                   "action": {"type": "send", "content": "what is it?",
                              "attachments": [photo.id]}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    EventReader::new(response).collect().await;
    let sent = last_sent(&fake);
    use base64::Engine as _;
    let url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    );
    let parts = sent[0]["content"].as_array().cloned().unwrap_or_default();
    assert!(
        parts
            .iter()
            .any(|p| p["type"] == json!("image_url") && p["image_url"]["url"] == json!(url)),
        "{sent:?}"
    );
}
