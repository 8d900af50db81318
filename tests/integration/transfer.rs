//! Export and import over HTTP: `GET /api/conversations/{id}/export` (Markdown and JSON, the
//! download headers, 404/400) and `POST /api/conversations/import` (a JSON export round-trips
//! with its branches, statuses and statistics; every kind of bad file is refused with a clear
//! message and changes nothing).
//!
//! Round-trip policy: a re-exported import equals the original export except for the message
//! ids (fresh on import; compared through the tree's shape) and `exported_at`. Every
//! timestamp, the title, model, system prompt, statuses, errors and statistics are kept;
//! `streaming` comes back as `interrupted`.

use crate::support::{header_value, stored_ids, EventReader, TestApp};
use serde_json::{json, Value};
use sluice::conversation::{MessageStatus, Role};
use sluice::transfer::{ExportDocument, ExportMessage};
use std::collections::HashMap;

/// GETs the export of `id` with the query string `query` (e.g. `?format=json`).
async fn export(app: &TestApp, id: &str, query: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/conversations/{id}/export{query}")))
        .send()
        .await
        .expect("export request")
}

/// The JSON export of `id`, as text.
async fn export_json(app: &TestApp, id: &str) -> String {
    let response = export(app, id, "?format=json").await;
    assert_eq!(response.status(), 200);
    response.text().await.expect("export body")
}

/// POSTs `document` to the import endpoint.
async fn import(app: &TestApp, document: &str) -> reqwest::Response {
    app.api("/api/conversations/import", json!({ "document": document }))
        .await
}

/// Imports `document` and returns the new conversation's id (panics unless accepted).
async fn import_ok(app: &TestApp, document: &str) -> String {
    let response = import(app, document).await;
    let status = response.status();
    let body = response.text().await.expect("import body");
    assert_eq!(status, 200, "import refused: {body}");
    let conversation: Value = serde_json::from_str(&body).expect("conversation JSON");
    conversation["id"].as_str().expect("id").to_string()
}

/// (conversations, messages) stored for the local user.
async fn stored_counts(app: &TestApp) -> (usize, usize) {
    let list = app.conversation_list().await;
    let mut messages = 0;
    for summary in &list {
        messages += app.conversation(&summary.id).await.messages.len();
    }
    (list.len(), messages)
}

/// A version-1 document with `conversation` and `messages`.
fn document(conversation: Value, messages: Value) -> String {
    json!({
        "format": "sluice.conversation",
        "version": 1,
        "exported_at": 1_700_000_999_000_i64,
        "conversation": conversation,
        "messages": messages,
    })
    .to_string()
}

/// A complete message at time `at`.
fn message(id: &str, parent: Option<&str>, role: &str, content: &str, at: i64) -> Value {
    json!({
        "id": id, "parent_id": parent, "role": role, "content": content,
        "status": "complete", "created_at": at, "updated_at": at,
    })
}

/// A small valid document: one question and its answer.
fn simple_document(messages: Value) -> String {
    document(
        json!({"title": "Simple", "created_at": 1_700_000_000_000_i64, "updated_at": 1_700_000_000_002_i64}),
        messages,
    )
}

/// Every status, an error, statistics, a system prompt, an edited root and a regenerated
/// answer. Latest branch: u1 → a2 (stopped) → u2 (hostile text) → a4 (streaming).
fn rich_document() -> String {
    let t = 1_700_000_000_000_i64;
    let mut a1 = message("a1", Some("u1"), "assistant", "Old answer", t + 4);
    a1["model"] = json!("demo/sluice-demo");
    a1["stats"] = json!({"input_tokens": 10, "output_tokens": 20, "reasoning_tokens": 5,
                         "ttft_ms": 300, "tokens_per_second": 41.5});
    let mut a0 = message("a0", Some("u0"), "assistant", "partial", t + 2);
    a0["status"] = json!("interrupted");
    let mut a2 = message("a2", Some("u1"), "assistant", "Newer answer, cut", t + 5);
    a2["status"] = json!("stopped");
    a2["model"] = json!("demo/sluice-demo");
    a2["stats"] = json!({"output_tokens": 3, "ttft_ms": 120});
    let mut a3 = message("a3", Some("u2"), "assistant", "", t + 7);
    a3["status"] = json!("error");
    a3["error"] = json!("Rate limited by OpenAI, retry after 20 s.");
    let mut a4 = message("a4", Some("u2"), "assistant", "half an answer", t + 8);
    a4["status"] = json!("streaming");
    a4["updated_at"] = json!(t + 9);
    document(
        json!({
            "title": "Imported tides",
            "model": "demo/sluice-demo",
            "system_prompt": "Be brief.",
            "created_at": t,
            "updated_at": t + 100,
        }),
        json!([
            message("u0", None, "user", "First draft question", t + 1),
            a0,
            message("u1", None, "user", "How do tides work?", t + 3),
            a1,
            a2,
            message("u2", Some("a2"), "user", HOSTILE, t + 6),
            a3,
            a4,
        ]),
    )
}

/// Text that must survive as text, never as markup.
const HOSTILE: &str = "</script><script>alert(1)</script> & <img src=x onerror=alert(2)>";

/// `doc` with `exported_at` zeroed and ids replaced by positions, so two exports of the same
/// tree compare equal whatever ids the stores gave.
fn normalized(doc: &str) -> ExportDocument {
    let mut doc: ExportDocument = serde_json::from_str(doc).expect("an export document");
    doc.exported_at = 0;
    let positions: HashMap<String, usize> = doc
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
    doc.messages = doc
        .messages
        .into_iter()
        .map(|m| ExportMessage {
            id: positions[&m.id].to_string(),
            parent_id: m.parent_id.map(|p| positions[&p].to_string()),
            ..m
        })
        .collect();
    doc
}

#[tokio::test]
async fn a_stored_conversation_round_trips_through_export_and_import() {
    let app = TestApp::fast_demo().await;
    let first = stored_ids(&app.send_and_finish(None, None, "Tell me a story").await);
    let conversation = first.conversation_id.as_str();
    let regenerated = app.regenerate(conversation, &first.user_message_id).await;
    let regenerated = stored_ids(&EventReader::new(regenerated).collect().await);
    app.send_and_finish(
        Some(conversation),
        Some(&regenerated.answer_id),
        "And then?",
    )
    .await;
    let original = app.conversation(conversation).await;

    let exported = export_json(&app, conversation).await;
    let new_id = import_ok(&app, &exported).await;
    assert_ne!(new_id, conversation);
    let imported = app.conversation(&new_id).await;
    assert_eq!(stored_counts(&app).await, (2, 10));

    // Same tree, fresh ids.
    assert_eq!(
        normalized(&export_json(&app, &new_id).await),
        normalized(&exported)
    );
    for message in &imported.messages {
        assert!(original.message(&message.id).is_none(), "ids are fresh");
        assert_eq!(message.conversation_id, new_id);
    }
    assert_eq!(imported.children(None).len(), 1);
    let root = &imported.children(None)[0].id;
    assert_eq!(imported.children(Some(root)).len(), 2, "regeneration kept");
    let latest: Vec<(Role, &str)> = imported
        .latest_path()
        .iter()
        .map(|m| (m.role, m.content.as_str()))
        .collect();
    let expected: Vec<(Role, &str)> = original
        .latest_path()
        .iter()
        .map(|m| (m.role, m.content.as_str()))
        .collect();
    assert_eq!(latest, expected);
    let answer = imported.latest_path()[1];
    assert!(answer.stats.ttft_ms.is_some() && answer.stats.output_tokens.is_some());
    assert_eq!(imported.conversation.title, original.conversation.title);
    assert_eq!(imported.conversation.model, original.conversation.model);
    assert_eq!(
        imported.conversation.created_at,
        original.conversation.created_at
    );
    assert_eq!(
        imported.conversation.updated_at,
        original.conversation.updated_at
    );
}

#[tokio::test]
async fn statuses_errors_stats_and_timestamps_survive_an_import() {
    let app = TestApp::fast_demo().await;
    let source = rich_document();
    let id = import_ok(&app, &source).await;
    let tree = app.conversation(&id).await;
    assert_eq!(tree.conversation.title, "Imported tides");
    assert_eq!(
        tree.conversation.system_prompt.as_deref(),
        Some("Be brief.")
    );
    assert_eq!(tree.conversation.model.as_deref(), Some("demo/sluice-demo"));
    assert_eq!(tree.conversation.created_at, 1_700_000_000_000);
    assert_eq!(
        tree.conversation.updated_at, 1_700_000_000_100,
        "kept, not moved by the insert trigger"
    );
    let statuses: Vec<(&str, MessageStatus)> = tree
        .messages
        .iter()
        .map(|m| (m.content.as_str(), m.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("First draft question", MessageStatus::Complete),
            ("partial", MessageStatus::Interrupted),
            ("How do tides work?", MessageStatus::Complete),
            ("Old answer", MessageStatus::Complete),
            ("Newer answer, cut", MessageStatus::Stopped),
            (HOSTILE, MessageStatus::Complete),
            ("", MessageStatus::Error),
            ("half an answer", MessageStatus::Interrupted),
        ]
    );
    let old = &tree.messages[3];
    assert_eq!(old.stats.tokens_per_second, Some(41.5));
    assert_eq!(
        (
            old.stats.input_tokens,
            old.stats.output_tokens,
            old.stats.reasoning_tokens,
            old.stats.ttft_ms
        ),
        (Some(10), Some(20), Some(5), Some(300))
    );
    assert_eq!(
        tree.messages[6].error.as_deref(),
        Some("Rate limited by OpenAI, retry after 20 s.")
    );
    assert_eq!(tree.messages[7].created_at, 1_700_000_000_008);
    assert_eq!(tree.messages[7].updated_at, 1_700_000_000_009);

    // Re-exported: the same document, except that `streaming` was imported as `interrupted`.
    let mut expected = normalized(&source);
    expected.messages[7].status = MessageStatus::Interrupted;
    assert_eq!(normalized(&export_json(&app, &id).await), expected);
}

#[tokio::test]
async fn markdown_export_is_the_latest_branch_with_text_kept_verbatim() {
    let app = TestApp::fast_demo().await;
    let id = import_ok(&app, &rich_document()).await;
    let response = export(&app, &id, "?format=markdown").await;
    assert_eq!(response.status(), 200);
    let markdown = response.text().await.expect("markdown");
    assert!(markdown.starts_with("# Imported tides\n\n## System prompt\n\nBe brief.\n\n"));
    let expected_branch = format!(
        "## You\n\nHow do tides work?\n\n\
         ## Assistant (demo/sluice-demo)\n\nNewer answer, cut\n\n\
         > *Stopped before the answer was complete.*\n\n\
         ## You\n\n{HOSTILE}\n\n\
         ## Assistant\n\nhalf an answer\n\n\
         > *Interrupted: the server stopped while writing this answer.*\n\n"
    );
    assert!(markdown.contains(&expected_branch), "{markdown}");
    for hidden in ["First draft question", "Old answer", "Rate limited"] {
        assert!(
            !markdown.contains(hidden),
            "{hidden} is not on the latest branch"
        );
    }
    assert!(
        markdown.ends_with("*Not included here: 3 other versions of messages (regenerated answers or edited messages); the JSON export keeps every branch.*\n"),
        "{markdown}"
    );
}

#[tokio::test]
async fn downloads_carry_file_names_and_content_types() {
    let app = TestApp::fast_demo().await;
    let id = import_ok(
        &app,
        &document(
            json!({"title": "Trip \"plans\"/2025: Rome & Paris\\..", "created_at": 1, "updated_at": 2}),
            json!([message("u", None, "user", "Where first?", 1)]),
        ),
    )
    .await;
    let cases = [
        (
            "?format=markdown",
            "text/markdown; charset=utf-8",
            "trip-plans-2025-rome-paris.md",
        ),
        (
            "?format=json",
            "application/json",
            "trip-plans-2025-rome-paris.json",
        ),
        ("", "application/json", "trip-plans-2025-rome-paris.json"),
    ];
    for (query, content_type, filename) in cases {
        let response = export(&app, &id, query).await;
        assert_eq!(response.status(), 200, "{query}");
        let header = |name: &str| header_value(&response, name);
        assert_eq!(header("content-type").as_deref(), Some(content_type));
        assert_eq!(
            header("content-disposition"),
            Some(format!("attachment; filename=\"{filename}\""))
        );
        assert_eq!(header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    }
    let document: Value = serde_json::from_str(&export_json(&app, &id).await).expect("JSON");
    assert_eq!(document["format"], "sluice.conversation");
    assert_eq!(document["version"], 1);
    assert!(document["exported_at"].as_i64().unwrap_or(0) > 1_700_000_000_000);
}

#[tokio::test]
async fn exports_of_unknown_ids_are_404_and_unknown_formats_400() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(&app.send_and_finish(None, None, "hello").await);
    for id in [
        "00000000-0000-0000-0000-000000000000",
        "nope",
        "%27%20OR%201%3D1%20--",
    ] {
        let response = export(&app, id, "?format=markdown").await;
        assert_eq!(response.status(), 404, "{id}");
        let body = response.text().await.expect("body");
        assert!(body.contains("does not exist"), "{body}");
    }
    let response = export(&app, &ids.conversation_id, "?format=pdf").await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.expect("body");
    assert!(body.contains("Unknown export format"), "{body}");
}

#[tokio::test]
async fn an_absent_title_becomes_imported_chat() {
    let app = TestApp::fast_demo().await;
    let id = import_ok(
        &app,
        &document(
            json!({}),
            json!([message("u", None, "user", "Untitled question", 5)]),
        ),
    )
    .await;
    let tree = app.conversation(&id).await;
    assert_eq!(tree.conversation.title, "Imported chat");
    assert_eq!(tree.messages[0].content, "Untitled question");
}

#[tokio::test]
async fn an_import_over_axums_default_body_limit_is_accepted() {
    let app = TestApp::fast_demo().await;
    let long = "x".repeat(900 * 1024);
    let messages: Vec<Value> = (0..4)
        .map(|i| {
            let id = format!("m{i}");
            let parent = (i > 0).then(|| format!("m{}", i - 1));
            let role = if i % 2 == 0 { "user" } else { "assistant" };
            message(&id, parent.as_deref(), role, &long, i)
        })
        .collect();
    let doc = simple_document(Value::Array(messages));
    assert!(doc.len() > 3 * 1024 * 1024);
    let id = import_ok(&app, &doc).await;
    assert_eq!(app.conversation(&id).await.latest_path().len(), 4);
}

/// Seeds one conversation, posts `doc` to the import endpoint, and checks the refusal:
/// `status`, a body containing `fragment`, and nothing stored.
async fn assert_refused(app: &TestApp, doc: &str, status: u16, fragment: &str) {
    if stored_counts(app).await.0 == 0 {
        app.send_and_finish(None, None, "already here").await;
    }
    let before = stored_counts(app).await;
    let response = import(app, doc).await;
    let actual = response.status().as_u16();
    let body = response.text().await.expect("body");
    assert_eq!(actual, status, "{body}");
    // The refusal is the `ApiError` JSON; its sentence is what is checked.
    let body = crate::support::error_message(&body);
    assert!(body.contains(fragment), "expected {fragment:?} in {body}");
    assert_eq!(stored_counts(app).await, before, "nothing stored");
}

#[tokio::test]
async fn import_refuses_text_that_is_not_json() {
    let app = TestApp::fast_demo().await;
    assert_refused(
        &app,
        "# My chat\n\nThis is Markdown",
        400,
        "The file is not valid JSON (expected value at line 1 column 1).",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_json_of_another_format() {
    let app = TestApp::fast_demo().await;
    let doc = json!([{"title": "ChatGPT export", "mapping": {}}]).to_string();
    let fragment = "The file is not a Sluice conversation export (its \"format\" is not";
    assert_refused(&app, &doc, 400, fragment).await;
    let doc = simple_document(json!([])).replace("sluice.conversation", "other.format");
    assert_refused(&app, &doc, 400, "is not a Sluice conversation export").await;
}

#[tokio::test]
async fn import_refuses_an_unsupported_version() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([])).replace("\"version\":1", "\"version\":2");
    assert_refused(
        &app,
        &doc,
        400,
        "This export has format version 2, which this Sluice cannot read (it reads version 1).",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_file_over_the_byte_limit() {
    let app = TestApp::fast_demo_and(&[("SLUICE_MAX_IMPORT_BYTES", "4096")]).await;
    let doc = simple_document(json!([message(
        "u",
        None,
        "user",
        &"\"quoted\"\n".repeat(600),
        1
    )]));
    assert!(doc.len() > 4096 && doc.len() < 8192);
    assert_refused(
        &app,
        &doc,
        413,
        "The file is too large (7.4 KiB; the limit is 4 KiB).",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_too_many_messages() {
    let app = TestApp::fast_demo().await;
    let messages: Vec<Value> = (0..10_001)
        .map(|i| {
            let id = i.to_string();
            let parent = (i > 0).then(|| (i - 1).to_string());
            let role = if i % 2 == 0 { "user" } else { "assistant" };
            message(&id, parent.as_deref(), role, "x", i)
        })
        .collect();
    assert_refused(
        &app,
        &simple_document(Value::Array(messages)),
        413,
        "The file has too many messages (10001; the limit is 10000).",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_message_over_the_per_message_limit() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([
        message("u", None, "user", "short", 1),
        message("a", Some("u"), "assistant", &"y".repeat(1024 * 1024 + 1), 2),
    ]));
    assert_refused(
        &app,
        &doc,
        413,
        "Message 2 is too long (1.1 MiB; the limit is 1 MiB per message).",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_an_empty_title() {
    let app = TestApp::fast_demo().await;
    let doc = document(
        json!({"title": " \n\t "}),
        json!([message("u", None, "user", "hi", 1)]),
    );
    assert_refused(&app, &doc, 400, "The conversation's title is empty.").await;
}

#[tokio::test]
async fn import_refuses_an_unknown_role() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([message("u", None, "robot", "beep", 1)]));
    let fragment = "Message 1 has the unknown role \"robot\" (expected \"user\", \"assistant\" or \"system\").";
    assert_refused(&app, &doc, 400, fragment).await;
}

#[tokio::test]
async fn import_refuses_an_unknown_status() {
    let app = TestApp::fast_demo().await;
    let mut answer = message("a", Some("u"), "assistant", "hmm", 2);
    answer["status"] = json!("paused");
    let doc = simple_document(json!([message("u", None, "user", "hi", 1), answer]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 2 has the unknown status \"paused\"",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_parent_that_is_not_in_the_file() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([
        message("u", None, "user", "hi", 1),
        message("a", Some("ghost"), "assistant", "hello", 2),
    ]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 2 names the parent \"ghost\", which is not in the file.",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_parent_that_comes_after_its_child() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([
        message("a", Some("u"), "assistant", "hello", 2),
        message("u", None, "user", "hi", 1),
    ]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 1 comes before its parent (message 2); parents must come first.",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_duplicate_ids() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([
        message("u", None, "user", "hi", 1),
        message("a", Some("u"), "assistant", "hello", 2),
        message("u", Some("a"), "user", "again", 3),
    ]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 3 has the id \"u\", which message 1 already has; ids must be unique.",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_cycle_of_parents() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([
        message("u", Some("a"), "user", "hi", 1),
        message("a", Some("u"), "assistant", "hello", 2),
    ]));
    assert_refused(
        &app,
        &doc,
        400,
        "is its own ancestor: the parent links form a cycle.",
    )
    .await;
    let own_parent = simple_document(json!([message("u", Some("u"), "user", "hi", 1)]));
    assert_refused(
        &app,
        &own_parent,
        400,
        "Message 1 is its own ancestor: the parent links form a cycle.",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_user_message_under_a_user_message() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([
        message("u1", None, "user", "hi", 1),
        message("u2", Some("u1"), "user", "hello?", 2),
    ]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 2 is a user message whose parent is a user message",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_system_message_that_is_not_a_root() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([
        message("u", None, "user", "hi", 1),
        message("a", Some("u"), "assistant", "hello", 2),
        message("s", Some("a"), "system", "new rules", 3),
    ]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 3 is a system message with a parent; a system message may only start a conversation.",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_an_answer_without_a_question() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([message("a", None, "assistant", "hello", 1)]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 1 is an assistant message that does not answer a user message.",
    )
    .await;
}

#[tokio::test]
async fn import_refuses_a_message_with_a_missing_field() {
    let app = TestApp::fast_demo().await;
    let doc = simple_document(json!([{"id": "u", "role": "user"}]));
    assert_refused(
        &app,
        &doc,
        400,
        "Message 1 is malformed: missing field `content`.",
    )
    .await;
}

#[tokio::test]
async fn a_store_failure_part_way_through_an_import_leaves_nothing() {
    let app = TestApp::fast_demo().await;
    app.send_and_finish(None, None, "already here").await;
    let before = stored_counts(&app).await;
    let mut valid = sluice::transfer::parse_import(
        simple_document(json!([
            message("u", None, "user", "hi", 1),
            message("a", Some("u"), "assistant", "hello", 2),
        ]))
        .as_bytes(),
        &sluice::transfer::ImportLimits::default(),
    )
    .expect("valid");
    // Break the second message's link after validation: its insert fails after the
    // conversation and the first message were written.
    valid.messages[1].parent = Some(5);
    let result = app
        .state
        .store
        .import_conversation(sluice::store::UserId::LOCAL, &valid)
        .await;
    assert!(result.is_err());
    assert_eq!(stored_counts(&app).await, before);
}

#[tokio::test]
async fn a_file_far_over_the_limit_still_gets_the_clear_413() {
    let app = TestApp::spawn(&[("SLUICE_MAX_IMPORT_BYTES", "4096")]).await;
    let doc = simple_document(json!([message(
        "u",
        None,
        "user",
        &"z".repeat(600 * 1024),
        1
    )]));
    assert_refused(&app, &doc, 413, "The file is too large").await;
}
