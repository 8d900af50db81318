//! Errors on the wire: a server function's refusal is the `ApiError` JSON (kind, sentence,
//! `retry_after`) with its kind's status; malformed arguments get a 400 sentence that names
//! the field and what it must be (never serde's type names); the plain routes answer plain
//! text; a 405 names the method; a shutdown's 503 does not claim a restart.

use crate::support::{error_message, TestApp};
use serde_json::{json, Value};
use sluice::api_error::{ApiError, ErrorKind};
use std::time::Duration;

/// POSTs the raw `body` to `path` as JSON; the status and the body's text.
async fn post_raw(app: &TestApp, path: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
    let response = app
        .client
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("an HTTP answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Asserts a 400 whose `ApiError` says `sentence`, in words free of Rust.
fn assert_bad_request(status: u16, body: &str, sentence: &str) {
    assert_eq!(status, 400, "{body}");
    let error: ApiError = serde_json::from_str(body).expect("ApiError JSON");
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert_eq!(error.message, sentence);
    for internal in [
        "TurnAction",
        "internally tagged",
        "Deserialization|",
        "struct",
        "enum",
    ] {
        assert!(!body.contains(internal), "{body} says {internal}");
    }
}

#[tokio::test]
async fn malformed_arguments_get_a_sentence_naming_the_field() {
    let app = TestApp::fast_demo().await;
    let cases: [(&str, &str, &str); 8] = [
        (
            "/api/chat/stream",
            r#"{"action": 5}"#,
            "The field `action` must be an object with a `type`, not a number.",
        ),
        (
            "/api/chat/stream",
            r#"{"action": {"type": "fly"}}"#,
            "The field `action.type` cannot be `fly`: use one of `send`, `regenerate`, `continue`.",
        ),
        (
            "/api/chat/stream",
            r#"{"action": {"type": "send"}}"#,
            "The field `action.content` is missing.",
        ),
        (
            "/api/conversations/rename",
            r#"{"id": "x"}"#,
            "The field `title` is missing.",
        ),
        (
            "/api/conversations/rename",
            r#"{"id": "x", "title": 7}"#,
            "The field `title` must be text, not a number.",
        ),
        (
            "/api/chat/resume",
            r#"{"turn_id": "t", "after": -3}"#,
            "The field `after` must be a whole number, 0 or more, not -3.",
        ),
        (
            "/api/conversations/rename",
            "id=x&title=y",
            "The request body is not valid JSON (line 1, column 1).",
        ),
        (
            "/api/conversations/rename",
            r#"{"id": "x", "tit"#,
            "The request body ends before its JSON is complete.",
        ),
    ];
    for (path, body, sentence) in cases {
        let (status, text) = post_raw(&app, path, body.to_string()).await;
        assert_bad_request(status, &text, sentence);
    }
}

#[tokio::test]
async fn an_oversized_body_is_413_with_the_limit_in_json() {
    let app = TestApp::fast_demo().await;
    let body = json!({"id": "x", "title": "t".repeat(100 * 1024)}).to_string();
    // Declared too long, and sent without a length (cut while read): the same refusal.
    let (status, text) = post_raw(&app, "/api/conversations/rename", body.clone()).await;
    assert_eq!(status, 413, "{text}");
    let chunked = reqwest::Body::wrap_stream(futures::stream::iter(
        body.into_bytes()
            .chunks(8192)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    ));
    let (chunked_status, chunked_text) = post_raw(&app, "/api/conversations/rename", chunked).await;
    assert_eq!(chunked_status, 413, "{chunked_text}");
    for text in [text, chunked_text] {
        let error: ApiError = serde_json::from_str(&text).expect("ApiError JSON");
        assert_eq!(error.kind, ErrorKind::TooLarge);
        assert_eq!(
            error.message,
            "The request is too large (the limit is 64 KiB)."
        );
    }
}

#[tokio::test]
async fn a_refusal_carries_its_kind_and_status() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local")]).await;
    // Refused in front of the handler (no user).
    let response = app.api("/api/conversations/list", json!({})).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({"kind": "unauthorised", "message": "Sign in to continue."})
    );
    // Refused by the server function itself: the status comes from the kind.
    let token = app.signed_up("ada", "ada's password").await;
    let response = app
        .api_as(
            Some(&token),
            "/api/conversations/get",
            json!({"id": "nope"}),
        )
        .await;
    assert_eq!(response.status(), 404);
    let error: ApiError = response.json().await.expect("ApiError JSON");
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(
        error.message,
        "That conversation or message does not exist."
    );
}

#[tokio::test]
async fn the_export_without_a_session_is_plain_text() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local")]).await;
    let response = app
        .get_as(None, "/api/conversations/abc/export?format=json")
        .await;
    assert_eq!(response.status(), 401);
    let content_type = crate::support::header_value(&response, "content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert_eq!(response.text().await.expect("body"), "Sign in to continue.");
}

#[tokio::test]
async fn a_wrong_method_is_told_the_method_to_use() {
    let app = TestApp::fast_demo().await;
    let response = app
        .client
        .get(app.url("/api/conversations/rename"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 405);
    let text = response.text().await.expect("body");
    assert_eq!(error_message(&text), "This endpoint only accepts POST.");
    let response = app
        .client
        .post(app.url("/api/conversations/abc/export"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.text().await.expect("body"),
        "This endpoint only accepts GET."
    );
}

#[tokio::test]
async fn a_new_answer_during_shutdown_is_503_without_claiming_a_restart() {
    let app = TestApp::fast_demo().await;
    app.state.turns.shut_down(Duration::ZERO).await;
    let response = app.stream_chat("demo/sluice-demo", "hello").await;
    assert_eq!(response.status(), 503);
    let message = error_message(&response.text().await.expect("body"));
    assert_eq!(
        message,
        "Sluice is shutting down and takes no new answers; try again in a moment."
    );
    assert!(!message.contains("restart"), "{message}");
}
