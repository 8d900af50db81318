//! Files in exports and imports: the JSON export carries each user message's files (meta,
//! base64 bytes, text), an import checks every file again through the intake and stores it
//! with its message, a refused file refuses the whole import (nothing stored), and the
//! Markdown export names the files. The image and PDF cases need the intake that decodes
//! them (`sluice_attachments::prepare`); text files work with any intake.

use crate::support::{error_message, stored_ids, EventReader, TestApp};
use base64::Engine as _;
use serde_json::{json, Value};
use sluice::attachments::AttachmentKind;
use sluice::store::UserId;

/// A 1×1 PNG.
const PIXEL_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// A one-page PDF whose text layer says `text` (offsets computed, so readers find every
/// object).
fn tiny_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", n + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

/// Base64 of `bytes`.
fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The JSON export of `id`.
async fn export(app: &TestApp, id: &str, format: &str) -> String {
    let response = app
        .client
        .get(app.url(&format!("/api/conversations/{id}/export?format={format}")))
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200);
    response.text().await.expect("export body")
}

/// Imports `document`; returns the response.
async fn import(app: &TestApp, document: &str) -> reqwest::Response {
    app.api("/api/conversations/import", json!({ "document": document }))
        .await
}

/// A version-1 document of one user message carrying `files` (JSON values) and an answer.
fn document_with(files: Value) -> String {
    json!({
        "format": "sluice.conversation",
        "version": 1,
        "exported_at": 0,
        "conversation": {"title": "With files", "model": null, "system_prompt": null,
                         "created_at": 1, "updated_at": 2},
        "messages": [
            {"id": "u", "parent_id": null, "role": "user", "content": "see attached",
             "status": "complete", "created_at": 1, "updated_at": 1, "attachments": files},
            {"id": "a", "parent_id": "u", "role": "assistant", "content": "seen",
             "status": "complete", "created_at": 2, "updated_at": 2},
        ],
    })
    .to_string()
}

#[tokio::test]
async fn a_text_file_round_trips_through_export_and_import() {
    let app = TestApp::fast_demo().await;
    let text = "col,val\nα,1\n";
    let upload = app
        .state
        .store
        .put_attachment_for_tests(
            UserId::LOCAL,
            "data.csv",
            AttachmentKind::Text,
            "text/plain; charset=utf-8",
            text.as_bytes(),
            Some(text),
        )
        .await
        .expect("upload");
    let response = app
        .stored_turn(
            None,
            json!({"type": "send", "content": "chart this", "attachments": [upload.id]}),
        )
        .await;
    let ids = stored_ids(&EventReader::new(response).collect().await);

    let exported = export(&app, &ids.conversation_id, "json").await;
    let document: Value = serde_json::from_str(&exported).expect("JSON");
    assert_eq!(document["version"], json!(1), "still version 1");
    assert_eq!(
        document["messages"][0]["attachments"],
        json!([{"name": "data.csv", "kind": "text",
                "content_type": "text/plain; charset=utf-8",
                "data": b64(text.as_bytes()), "text": text}])
    );
    let markdown = export(&app, &ids.conversation_id, "markdown").await;
    assert!(
        markdown.contains("*Attached: `data.csv` (text)*"),
        "{markdown}"
    );

    let response = import(&app, &exported).await;
    assert_eq!(response.status(), 200);
    let imported: Value = response.json().await.expect("conversation");
    let imported_id = imported["id"].as_str().expect("id");
    assert_ne!(imported_id, ids.conversation_id.as_str());
    let tree = app.conversation(imported_id).await;
    let files = &tree.messages[0].attachments;
    assert_eq!(files.len(), 1);
    assert_eq!(
        (files[0].name.as_str(), files[0].kind),
        ("data.csv", AttachmentKind::Text)
    );
    assert_ne!(files[0].id, upload.id, "a copy of its own");
    let contents = app
        .state
        .store
        .attachment_contents(UserId::LOCAL, std::slice::from_ref(&files[0].id))
        .await
        .expect("contents");
    assert_eq!(contents[0].bytes, text.as_bytes());
    // Exporting the import gives the same files back.
    let again: Value =
        serde_json::from_str(&export(&app, imported_id, "json").await).expect("JSON");
    assert_eq!(
        again["messages"][0]["attachments"],
        document["messages"][0]["attachments"]
    );
}

#[tokio::test]
async fn an_image_and_a_pdf_round_trip_through_import_and_export() {
    // Needs the intake that decodes images and reads PDFs.
    let app = TestApp::fast_demo().await;
    let pdf = tiny_pdf("Quarterly figures");
    let document = document_with(json!([
        {"name": "pixel.png", "kind": "image", "content_type": "image/png", "data": PIXEL_PNG},
        {"name": "report.pdf", "kind": "pdf", "content_type": "application/pdf",
         "data": b64(&pdf)},
    ]));
    let response = import(&app, &document).await;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, 200, "{body}");
    let imported: Value = serde_json::from_str(&body).expect("conversation");
    let id = imported["id"].as_str().expect("id");
    let tree = app.conversation(id).await;
    let kinds: Vec<(&str, AttachmentKind)> = tree.messages[0]
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("pixel.png", AttachmentKind::Image),
            ("report.pdf", AttachmentKind::Pdf)
        ]
    );
    let exported: Value = serde_json::from_str(&export(&app, id, "json").await).expect("JSON");
    let files = &exported["messages"][0]["attachments"];
    assert_eq!(files[0]["content_type"], json!("image/png"));
    assert!(files[1]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Quarterly figures")));
    let markdown = export(&app, id, "markdown").await;
    assert!(
        markdown.contains("*Attached: `pixel.png` (image), `report.pdf` (pdf)*"),
        "{markdown}"
    );
}

#[tokio::test]
async fn a_hostile_file_refuses_the_whole_import_and_stores_nothing() {
    let app = TestApp::fast_demo().await;
    let before = app.conversation_list().await.len();
    // An executable's header, named as a picture.
    let hostile = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";
    let document = document_with(json!([
        {"name": "fine.txt", "kind": "text", "content_type": "text/plain", "data": b64(b"ok")},
        {"name": "holiday.png", "kind": "image", "content_type": "image/png",
         "data": b64(hostile)},
    ]));
    let response = import(&app, &document).await;
    assert_eq!(response.status(), 400);
    let message = error_message(&response.text().await.unwrap_or_default());
    assert!(message.starts_with("holiday.png "), "{message}");
    assert_eq!(app.conversation_list().await.len(), before);
    assert_eq!(
        app.state
            .store
            .attachment_counts_for_tests(UserId::LOCAL)
            .await
            .ok(),
        Some((0, 0)),
        "not even the acceptable file is kept"
    );

    // Bad base64 and files on an answer are refused by the format check.
    let bad = document_with(json!([{"name": "x.txt", "data": "***"}]));
    let response = import(&app, &bad).await;
    assert_eq!(response.status(), 400);
    let message = error_message(&response.text().await.unwrap_or_default());
    assert_eq!(
        message,
        "Message 1 is malformed: its file x.txt is not valid base64."
    );
    let mut on_answer: Value = serde_json::from_str(&document_with(json!([]))).expect("doc");
    on_answer["messages"][1]["attachments"] = json!([{"name": "a.txt", "data": b64(b"a")}]);
    let response = import(&app, &on_answer.to_string()).await;
    assert_eq!(response.status(), 400);
    let message = error_message(&response.text().await.unwrap_or_default());
    assert_eq!(
        message,
        "Message 2 is malformed: only user messages carry files."
    );
    assert_eq!(app.conversation_list().await.len(), before);
}
