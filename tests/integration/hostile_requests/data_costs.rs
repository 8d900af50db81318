//! What one user's data may cost the server: a long imported chain opens (its tree walks are
//! linear: counted in `message_tree`'s unit tests), an import is counted and bounded before it
//! is parsed, an answer stops at `max_answer_bytes` keeping what it has, the per-user storage
//! quota refuses sends and imports (and cuts an answer that fills it) without changing what is
//! stored, streaming flushes append only new text, and server-rendered page loads have a
//! per-IP/per-user budget that static files do not touch.

use crate::store::TempDb;
use crate::support::chat_script::{content_chunk, stream_then_stop};
use crate::support::{env_map, start_fake, stored_ids, text_of, EventReader, TestApp};
use serde_json::{json, Value};
use sluice::conversation::MessageStatus;
use sluice::events::ChatEvent;
use sluice::store::{AnswerEnd, AnswerStats, AnswerWriter, UserId};
use sluice_fake_upstream::{Script, ScriptStep};
use std::time::{Duration, Instant};

/// A scripted upstream answer: `pieces` in order, then a normal end.
fn script(pieces: &[String]) -> Script {
    stream_then_stop(
        pieces
            .iter()
            .map(|p| ScriptStep::Send(content_chunk(p)))
            .collect(),
    )
}

/// Thirty pieces of fifty "é" (100 bytes each): 3,000 bytes of two-byte characters.
fn long_answer() -> Vec<String> {
    (0..30).map(|_| "é".repeat(50)).collect()
}

/// An export document with `messages` (already JSON objects), as text.
fn document(messages: &[Value]) -> String {
    json!({
        "format": "sluice.conversation",
        "version": 1,
        "conversation": {"title": "Imported"},
        "messages": messages,
    })
    .to_string()
}

/// A chain of `n` messages alternating user and assistant, each the child of the one before.
fn chain(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "id": format!("m{i}"),
                "parent_id": if i == 0 { Value::Null } else { json!(format!("m{}", i - 1)) },
                "role": if i % 2 == 0 { "user" } else { "assistant" },
                "content": format!("message number {i}"),
            })
        })
        .collect()
}

/// POSTs `document` to the import endpoint; returns status and body.
async fn import(app: &TestApp, document: &str) -> (u16, String) {
    let response = app
        .api("/api/conversations/import", json!({ "document": document }))
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("import body"))
}

/// How many conversations the local user has.
async fn conversation_count(app: &TestApp) -> usize {
    let list = app.conversation_list().await;
    list.len()
}

/// The terminal `error` event's sentence, panicking on any other ending.
fn error_sentence(events: &[(u64, ChatEvent)]) -> String {
    match events.last().map(|(_, e)| e) {
        Some(ChatEvent::Error { message }) => message.clone(),
        other => panic!("expected an error event at the end, got {other:?}"),
    }
}

#[tokio::test]
async fn a_five_thousand_message_imported_chain_opens_whole() {
    let app = TestApp::fast_demo().await;
    let (status, body) = import(&app, &document(&chain(5_000))).await;
    assert_eq!(status, 200, "{body}");
    let id = serde_json::from_str::<Value>(&body).expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let tree = app.conversation(&id).await;
    let latest = tree.latest_path();
    assert_eq!(latest.len(), 5_000);
    let last = latest.last().expect("last").id.clone();
    assert_eq!(tree.path_to(&last).len(), 5_000);
    let response = app
        .client
        .get(app.url(&format!("/c/{id}")))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(
        html.contains("message number 4999"),
        "the newest message is shown"
    );
}

#[tokio::test]
async fn an_import_with_one_message_too_many_is_refused_before_it_is_parsed() {
    let app = TestApp::fast_demo().await;
    // 10,001 messages and then text that is not JSON at all: only a count taken before the
    // parse can give the message-count sentence (the parser would stop at the broken end).
    let messages: Vec<String> = chain(10_001).iter().map(Value::to_string).collect();
    let text = format!(
        r#"{{"format": "sluice.conversation", "version": 1, "conversation": {{}},
            "messages": [{}, oops"#,
        messages.join(",")
    );
    let (status, body) = import(&app, &text).await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body.contains("The file has too many messages (10001; the limit is 10000)."),
        "{body}"
    );
    assert_eq!(conversation_count(&app).await, 0, "nothing stored");
}

#[tokio::test]
async fn an_import_hiding_a_huge_list_in_an_unknown_field_is_refused() {
    let app = TestApp::fast_demo().await;
    let junk = format!("[{}0]", "[],".repeat(700_000));
    let text = document(&chain(2)).replacen('{', &format!("{{\"junk\": {junk}, "), 1);
    let (status, body) = import(&app, &text).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("too many JSON values"), "{body}");
    assert_eq!(conversation_count(&app).await, 0, "nothing stored");
    // The same file without the junk is fine.
    let (status, body) = import(&app, &document(&chain(2))).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_answer_over_max_answer_bytes_stops_at_the_cap_and_is_stored_with_what_it_has() {
    let fake = start_fake().await;
    fake.add_script("long", script(&long_answer()));
    let app = TestApp::with_fake_and(&fake, "long", &[("SLUICE_MAX_ANSWER_BYTES", "1024")]).await;
    let response = app
        .api(
            "/api/chat/stream",
            json!({"model": "openai/long", "action": {"type": "send", "content": "Talk"}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let events = EventReader::new(response).collect().await;
    let expected = "é".repeat(512);
    assert_eq!(text_of(&events), expected, "cut at exactly 1 KiB");
    let sentence = error_sentence(&events);
    assert!(sentence.contains("size limit (1 KiB)"), "{sentence}");
    let ids = stored_ids(&events);
    let tree = app.conversation(&ids.conversation_id).await;
    let answer = tree.message(&ids.answer_id).expect("answer");
    assert_eq!(answer.content, expected);
    assert_eq!(answer.status, MessageStatus::Error);
    assert_eq!(answer.error.as_deref(), Some(sentence.as_str()));
    // Continuing it could only be cut again at once: refused, nothing changes.
    let response = app
        .continue_answer(&ids.conversation_id, &ids.answer_id)
        .await;
    assert_eq!(response.status(), 413);
    let body = response.text().await.expect("body");
    assert!(body.contains("cannot be continued"), "{body}");
    assert_eq!(app.conversation(&ids.conversation_id).await, tree);
    // A temporary chat has the same cap.
    let events = EventReader::new(app.stream_chat("openai/long", "Talk").await)
        .collect()
        .await;
    assert_eq!(text_of(&events), expected);
    assert!(error_sentence(&events).contains("size limit"));
}

#[tokio::test]
async fn the_storage_quota_refuses_sends_and_imports_and_changes_nothing() {
    let app = TestApp::fast_demo_and(&[("SLUICE_MAX_USER_STORAGE_BYTES", "4096")]).await;
    let first = app.send_and_finish(None, None, &"a".repeat(2000)).await;
    let ids = stored_ids(&first);
    let before = app.conversation(&ids.conversation_id).await;
    // 2,000 bytes more cannot fit in the 4 KiB quota.
    let response = app
        .stored_turn(
            Some(&ids.conversation_id),
            json!({"type": "send", "parent_id": ids.answer_id, "content": "b".repeat(2000)}),
        )
        .await;
    assert_eq!(response.status(), 413);
    let body = response.text().await.expect("body");
    assert!(
        body.contains("Your storage is full: you store") && body.contains("of your 4 KiB quota"),
        "{body}"
    );
    assert!(body.contains("this needs 2 KiB more"), "{body}");
    assert_eq!(app.conversation(&ids.conversation_id).await, before);
    // A new conversation too.
    let response = app
        .stored_turn(None, json!({"type": "send", "content": "c".repeat(2000)}))
        .await;
    assert_eq!(response.status(), 413);
    // An import of 2,000 bytes of text as well.
    let mut big = chain(1);
    big[0]["content"] = json!("d".repeat(2000));
    let (status, body) = import(&app, &document(&big)).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("of your 4 KiB quota"), "{body}");
    assert_eq!(conversation_count(&app).await, 1, "nothing stored");
    assert_eq!(app.conversation(&ids.conversation_id).await, before);
    // A small import still fits.
    let (status, body) = import(&app, &document(&chain(2))).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_answer_that_fills_the_quota_ends_there_and_keeps_what_it_has() {
    let fake = start_fake().await;
    fake.add_script("long", script(&long_answer()));
    let app =
        TestApp::with_fake_and(&fake, "long", &[("SLUICE_MAX_USER_STORAGE_BYTES", "2048")]).await;
    let response = app
        .api(
            "/api/chat/stream",
            json!({"model": "openai/long", "action": {"type": "send", "content": "Hi"}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let events = EventReader::new(response).collect().await;
    // "Hi" and its title "Hi" take 4 bytes; the answer gets the other 2,044.
    let expected = "é".repeat(1022);
    assert_eq!(text_of(&events), expected);
    let sentence = error_sentence(&events);
    assert!(
        sentence.contains("storage quota (2 KiB) is full"),
        "{sentence}"
    );
    let ids = stored_ids(&events);
    let tree = app.conversation(&ids.conversation_id).await;
    let answer = tree.message(&ids.answer_id).expect("answer");
    assert_eq!(answer.content, expected);
    assert_eq!(answer.status, MessageStatus::Error);
    // Now full: even a regeneration (which adds no message) is refused.
    let response = app
        .regenerate(&ids.conversation_id, &ids.user_message_id)
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(app.conversation(&ids.conversation_id).await, tree);
}

#[tokio::test]
async fn flushes_append_only_the_new_text_and_store_it_exactly() {
    let db = TempDb::new();
    let store = db.open().await;
    let me = UserId::LOCAL;
    let c = store
        .create_conversation(me, "T", None, None)
        .await
        .expect("conversation");
    let q = store
        .add_user_message(me, &c.id, None, "question")
        .await
        .expect("question");
    let a = store
        .start_answer(me, &c.id, &q.id, "m/x")
        .await
        .expect("answer");
    let t0 = Instant::now();
    let mut writer = AnswerWriter::new(store.clone(), me, &a, t0);
    let mut expected = String::new();
    // Multi-byte characters of every width, so flushes fall between all kinds of them.
    let pieces = ["a", "é", "€", "🦀", "文字", " "];
    for i in 0..600u64 {
        let piece = pieces[(i % pieces.len() as u64) as usize];
        expected.push_str(piece);
        writer.push(piece);
        // A flush with the first piece and then after every third.
        let wrote = writer
            .flush_if_due(t0 + Duration::from_secs(i / 3 + 1))
            .await
            .expect("flush");
        if wrote {
            let tree = store.get_conversation(me, &c.id).await.expect("tree");
            let stored = &tree.message(&a.id).expect("answer").content;
            assert_eq!(stored, &expected, "after flush {}", writer.writes());
        }
    }
    assert!(writer
        .flush_if_due(t0 + Duration::from_secs(1_000))
        .await
        .expect("last flush"));
    assert_eq!(writer.writes(), 201);
    // Each byte was sent once: rewriting the whole text every flush would send ~100 times more.
    assert_eq!(writer.flushed_bytes(), expected.len() as u64);
    // A flush adds to what is stored (another writer's text stays), never replaces it.
    let mut other = AnswerWriter::new(store.clone(), me, &a, t0);
    other.push("!");
    assert!(other
        .flush_if_due(t0 + Duration::from_secs(10_000))
        .await
        .expect("flush"));
    let tree = store.get_conversation(me, &c.id).await.expect("tree");
    assert_eq!(
        tree.message(&a.id).expect("answer").content,
        format!("{expected}!")
    );
    writer
        .finish(AnswerEnd::Complete, &AnswerStats::default())
        .await
        .expect("finish");
    let tree = store.get_conversation(me, &c.id).await.expect("tree");
    let answer = tree.message(&a.id).expect("answer");
    assert_eq!(
        answer.content, expected,
        "the final write stores the whole text"
    );
    assert_eq!(answer.status, MessageStatus::Complete);
}

#[tokio::test]
async fn page_loads_beyond_the_budget_get_429_while_static_files_do_not_count() {
    let app = TestApp::spawn(&[("SLUICE_PAGE_LOADS_PER_MINUTE", "3")]).await;
    let get = |path: &str| app.client.get(app.url(path)).send();
    for path in ["/", "/c/00000000-0000-0000-0000-000000000000", "/sign-in"] {
        let response = get(path).await.expect("page");
        assert_ne!(response.status(), 429, "{path} within the budget");
    }
    // Files and the API do not count.
    for _ in 0..5 {
        for path in ["/pkg/sluice.js", "/pkg/sluice_bg.wasm", "/favicon.ico"] {
            let response = get(path).await.expect("file");
            assert_ne!(response.status(), 429, "{path}");
        }
        let response = app.api("/api/models", json!({})).await;
        assert_eq!(response.status(), 200);
    }
    let response = get("/c/anything").await.expect("page");
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = response.text().await.expect("body");
    assert!(body.starts_with("Too many page loads. Wait "), "{body}");
    let response = get("/").await.expect("page");
    assert_eq!(response.status(), 429, "still refused");
}

#[test]
fn the_new_settings_are_read_from_file_and_environment_and_range_checked() {
    use sluice::server::config::Config;
    let defaults = Config::from_parts(None, None, &env_map(&[])).expect("defaults");
    assert_eq!(defaults.server.max_answer_bytes, 1024 * 1024);
    assert_eq!(defaults.storage.max_user_storage_bytes, 1024 * 1024 * 1024);
    assert_eq!(defaults.limits.page_loads_per_minute, 120);
    let file = "[server]\nmax_answer_bytes = 2048\n\n[storage]\nmax_user_storage_bytes = 0\n\n\
                [limits]\npage_loads_per_minute = 7\n";
    let config = Config::from_parts(None, Some(file), &env_map(&[])).expect("file");
    assert_eq!(config.server.max_answer_bytes, 2048);
    assert_eq!(config.storage.max_user_storage_bytes, 0);
    assert_eq!(config.limits.page_loads_per_minute, 7);
    let config = Config::from_parts(
        None,
        Some(file),
        &env_map(&[
            ("SLUICE_MAX_ANSWER_BYTES", "0"),
            ("SLUICE_MAX_USER_STORAGE_BYTES", " 4096 "),
            ("SLUICE_PAGE_LOADS_PER_MINUTE", "0"),
        ]),
    )
    .expect("environment");
    assert_eq!(config.server.max_answer_bytes, 0);
    assert_eq!(config.storage.max_user_storage_bytes, 4096);
    assert_eq!(config.limits.page_loads_per_minute, 0);
    for (name, value, expected) in [
        (
            "SLUICE_MAX_ANSWER_BYTES",
            "100",
            "SLUICE_MAX_ANSWER_BYTES must be a whole number of bytes from 1024 to 1073741824, or 0 \
             for no limit",
        ),
        (
            "SLUICE_MAX_USER_STORAGE_BYTES",
            "lots",
            "SLUICE_MAX_USER_STORAGE_BYTES must be a whole number of bytes",
        ),
        (
            "SLUICE_PAGE_LOADS_PER_MINUTE",
            "-1",
            "SLUICE_PAGE_LOADS_PER_MINUTE must be a whole number",
        ),
    ] {
        let error = Config::from_parts(None, None, &env_map(&[(name, value)])).expect_err(name);
        assert!(error.contains(expected), "{error}");
    }
    let error = Config::from_parts(
        None,
        Some("[storage]\nmax_user_storage_bytes = 10\n"),
        &env_map(&[]),
    )
    .expect_err("too small in the file");
    assert!(error.contains("max_user_storage_bytes"), "{error}");
}
