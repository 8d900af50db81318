//! Body limits per route: sign-in, sign-up, admin and other ordinary calls take small
//! bodies (64 KiB), the calls carrying a conversation or a system prompt take
//! `max_request_bytes`' worth, and only the import takes a whole file.

use crate::support::TestApp;
use futures::stream;
use serde_json::json;

/// The small routes' limit, as the refusal names it.
const SMALL_REFUSAL: &str = "The request is too large (the limit is 64 KiB).";

/// POSTs `body` to `path` (as JSON text; chunked without a length when `chunked`); returns
/// (status, body).
async fn post(app: &TestApp, path: &str, body: String, chunked: bool) -> (u16, String) {
    let request = app
        .client
        .post(app.url(path))
        .header("content-type", "application/json");
    let request = if chunked {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
            .into_bytes()
            .chunks(8192)
            .map(|c| Ok(c.to_vec()))
            .collect();
        request.body(reqwest::Body::wrap_stream(stream::iter(chunks)))
    } else {
        request.body(body)
    };
    let response = request.send().await.expect("an HTTP answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_100_kib_sign_in_is_413_with_a_sentence() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local")]).await;
    let name = "n".repeat(100 * 1024);
    for path in [
        "/api/auth/sign_in",
        "/api/auth/sign_up",
        "/api/auth/change_password",
        "/api/admin/reset_password",
        "/api/conversations/list",
        "/api/conversations/rename",
    ] {
        for chunked in [false, true] {
            // Without a length, a call that needs a user is refused (401) before its body
            // is read: only the public ones read it and must cut it.
            if chunked && !path.starts_with("/api/auth/sign_") {
                continue;
            }
            let body = json!({"name": name, "password": "a password", "id": "x",
                              "title": "t", "current": "a", "new": "b"})
            .to_string();
            let (status, text) = post(&app, path, body, chunked).await;
            assert_eq!(status, 413, "{path} chunked={chunked}: {text}");
            assert_eq!(
                crate::support::error_message(&text),
                SMALL_REFUSAL,
                "{path} chunked={chunked}"
            );
        }
    }
    assert!(app.state.store.no_accounts_yet().await.expect("store"));
    // A sign-in of ordinary size is still judged on its merits.
    let (status, text) = post(
        &app,
        "/api/auth/sign_in",
        json!({"name": "alice", "password": "p".repeat(1024)}).to_string(),
        false,
    )
    .await;
    assert_eq!(status, 401, "{text}");
}

#[tokio::test]
async fn calls_that_carry_content_take_a_conversation() {
    let app = TestApp::fast_demo().await;
    // 200 KiB of temporary chat (under the 256 KiB max_request_bytes), quotes and line ends
    // included: over the small limit, answered. Five messages of 40 KiB, as each user message
    // has the 64 KiB max_message_bytes of a stored one (issue 21).
    let part = "say \"hi\"\n".repeat(40 * 1024 / 10);
    let messages: Vec<_> = ["user", "assistant", "user", "assistant", "user"]
        .iter()
        .map(|role| json!({"role": role, "content": part}))
        .collect();
    let body = json!({ "messages": messages }).to_string();
    assert!(body.len() > 200 * 1024);
    let (status, text) = post(&app, "/api/chat/stream", body, false).await;
    assert_eq!(status, 200, "{text:.200}");
    // A system prompt of 60 KiB, escaped into more than 64 KiB of JSON.
    let events = app.send_and_finish(None, None, "hello").await;
    let id = crate::support::stored_ids(&events).conversation_id;
    let prompt = "\"quoted\"\n".repeat(60 * 1024 / 10);
    let body = json!({"id": id, "model": null, "system_prompt": prompt}).to_string();
    assert!(body.len() > 64 * 1024);
    let (status, text) = post(&app, "/api/conversations/settings", body, false).await;
    assert_eq!(status, 200, "{text:.200}");
    // Beyond twice max_request_bytes plus room for JSON: refused, naming the limit.
    let huge = json!({"messages": [{"role": "user", "content": "x".repeat(700 * 1024)}]});
    let (status, text) = post(&app, "/api/chat/stream", huge.to_string(), true).await;
    assert_eq!(status, 413, "{text:.200}");
    assert_eq!(
        crate::support::error_message(&text),
        "The request is too large (the limit is 576 KiB)."
    );
}

/// An export file (one user message, titled `title`) a little under `limit` bytes that is
/// almost all `"`: escaped in the JSON string carrying it, it becomes almost twice as long.
pub(super) fn escaped_quotes_export(title: &str, limit: usize) -> String {
    let filler = "\"".repeat((limit - 4096) / 2);
    json!({
        "format": "sluice.conversation",
        "version": 1,
        "exported_at": 1_700_000_999_000_i64,
        "conversation": {"title": title, "created_at": 1_700_000_000_000_i64,
                         "updated_at": 1_700_000_000_000_i64},
        "messages": [{"id": "u", "parent_id": null, "role": "user", "content": filler,
                      "status": "complete", "created_at": 1_700_000_000_000_i64,
                      "updated_at": 1_700_000_000_000_i64}],
    })
    .to_string()
}

#[tokio::test]
async fn import_still_accepts_a_file_near_its_limit() {
    let limit = 256 * 1024;
    let app = TestApp::spawn(&[("SLUICE_MAX_IMPORT_BYTES", "262144")]).await;
    // A file just under the limit that is almost all escaped quotes, so the JSON string
    // carrying it is almost twice as long.
    let document = escaped_quotes_export("Near the limit", limit);
    assert!(document.len() < limit && document.len() > limit - 8192);
    let body = json!({"document": document}).to_string();
    assert!(body.len() > 2 * limit - 16384, "{}", body.len());
    let (status, text) = post(&app, "/api/conversations/import", body, false).await;
    assert_eq!(status, 200, "{text:.300}");
}
