//! Hostile and malformed requests at every `/api/` endpoint: empty, non-JSON, wrongly typed,
//! invalid UTF-8, deeply nested and oversized bodies, wrong methods and unknown paths. Each
//! must be answered with a 4xx and a non-empty sentence, never a 5xx or a reset connection.

mod accounts;
mod body_timeout;
mod connections;
mod data_costs;
mod edge_bodies;
mod edge_forwarded;
mod edge_hosts;
mod edge_trusted_header;
mod live_isolation;
mod providers;
mod raw_http;
mod rendering;
mod search;
mod static_files;
mod temporary_chat;

use crate::support::TestApp;
use futures::stream;
use reqwest::Method;

/// Every server function, by path (checked against the registry below).
const SERVER_FNS: [&str; 39] = [
    "/api/auth/status",
    "/api/auth/sign_up",
    "/api/auth/sign_in",
    "/api/auth/sign_out",
    "/api/auth/sign_out_everywhere",
    "/api/auth/change_password",
    "/api/admin/users",
    "/api/admin/set_status",
    "/api/admin/set_admin",
    "/api/admin/reset_password",
    "/api/chat/stream",
    "/api/chat/stop",
    "/api/chat/resume",
    "/api/conversations/list",
    "/api/conversations/get",
    "/api/conversations/delete",
    "/api/conversations/rename",
    "/api/conversations/settings",
    "/api/conversations/import",
    "/api/conversations/pin",
    "/api/conversations/archive",
    "/api/conversations/move",
    "/api/conversations/delete_many",
    "/api/folders/list",
    "/api/folders/create",
    "/api/folders/rename",
    "/api/folders/collapse",
    "/api/folders/delete",
    "/api/presets/list",
    "/api/presets/save",
    "/api/presets/delete",
    "/api/models",
    "/api/shares/create",
    "/api/shares/list",
    "/api/shares/revoke",
    "/api/shares/view",
    "/api/feedback/set",
    "/api/feedback/clear",
    "/api/admin/feedback",
];

/// Server functions that take no required argument: any well-formed JSON object (or form)
/// is a valid call to them.
const NO_REQUIRED_ARGS: [&str; 10] = [
    "/api/auth/status",
    "/api/auth/sign_out",
    "/api/auth/sign_out_everywhere",
    "/api/admin/users",
    "/api/conversations/list",
    "/api/folders/list",
    "/api/presets/list",
    "/api/models",
    "/api/shares/list",
    "/api/admin/feedback",
];

/// The import limit set for these tests, so "huge" stays small: the body limit is then
/// max(256 KiB, 2 × 64 KiB) + 64 KiB = 320 KiB.
const TEST_IMPORT_LIMIT: &str = "65536";

/// A body well over the 320 KiB limit.
const HUGE: usize = 2 * 1024 * 1024;

/// An app with a small body limit.
async fn app() -> TestApp {
    TestApp::spawn(&[("SLUICE_MAX_IMPORT_BYTES", TEST_IMPORT_LIMIT)]).await
}

/// Sends a request and returns (status, body text), failing on a reset connection.
async fn send(request: reqwest::RequestBuilder, what: &str) -> (u16, String) {
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{what}: no HTTP answer ({e:?})"));
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{what}: body cut ({e:?})"));
    (status, body)
}

/// Asserts a 4xx whose body is a sentence (not empty, not an HTML page, not a Rust debug
/// dump).
fn assert_clear_4xx(status: u16, body: &str, what: &str) {
    assert!(
        (400..500).contains(&status),
        "{what}: status {status}, body {body:?}"
    );
    // A server function's error is `ApiError` JSON; other routes answer plain text.
    let message = serde_json::from_str::<sluice::api_error::ApiError>(body)
        .map_or_else(|_| body.trim().to_string(), |error| error.message);
    let message = message.as_str();
    assert!(!message.is_empty(), "{what}: empty message");
    assert!(
        !message.starts_with('<'),
        "{what}: HTML instead of a message: {message:.80}"
    );
    assert!(
        message.len() < 2000,
        "{what}: message of {} bytes",
        message.len()
    );
}

/// Asserts the request is refused clearly, or (for argument-less endpoints, when the body
/// happens to decode) answered; never a 5xx.
fn assert_refused_or_harmless(path: &str, status: u16, body: &str, what: &str) {
    if NO_REQUIRED_ARGS.contains(&path) && (200..300).contains(&status) {
        return;
    }
    assert_clear_4xx(status, body, what);
}

#[tokio::test]
async fn the_list_covers_every_registered_server_function() {
    let _app = app().await;
    for (path, method) in server_fn::axum::server_fn_paths() {
        assert!(SERVER_FNS.contains(&path), "{path} is not tested here");
        assert_eq!(method, Method::POST, "{path}");
    }
}

#[tokio::test]
async fn malformed_bodies_are_4xx_with_a_message() {
    let app = app().await;
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested_object = format!(
        "{{\"id\": {}1{}}}",
        "{\"a\":".repeat(5_000),
        "}".repeat(5_000)
    );
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not JSON", b"hello there".to_vec()),
        ("truncated JSON", b"{\"id\": \"abc".to_vec()),
        ("a JSON array", b"[1, 2, 3]".to_vec()),
        ("a JSON string", b"\"hi\"".to_vec()),
        ("null", b"null".to_vec()),
        (
            "wrong types",
            br#"{"id": 5, "title": [], "content": {}, "turn_id": false, "conversation_id": 1,
                "action": "send", "messages": "hi", "model": 3, "name": null, "search": 7,
                "file": 9, "system_prompt": [], "settings": 1, "preset": "x"}"#
                .to_vec(),
        ),
        ("invalid UTF-8", b"{\"id\": \"\xff\xfe\xfd\"}".to_vec()),
        ("deeply nested array", nested.into_bytes()),
        ("deeply nested object", nested_object.into_bytes()),
    ];
    for path in SERVER_FNS {
        for (label, body) in &bodies {
            for content_type in ["application/json", "application/x-www-form-urlencoded"] {
                let what = format!("{path} with {label} as {content_type}");
                let (status, text) = send(
                    app.client
                        .post(app.url(path))
                        .header("content-type", content_type)
                        .body(body.clone()),
                    &what,
                )
                .await;
                assert_refused_or_harmless(path, status, &text, &what);
            }
        }
    }
}

#[tokio::test]
async fn required_arguments_that_are_missing_or_mistyped_are_4xx() {
    let app = app().await;
    for path in SERVER_FNS.iter().filter(|p| !NO_REQUIRED_ARGS.contains(p)) {
        for body in [
            serde_json::json!({}),
            serde_json::json!({"id": 1, "turn_id": 1, "title": 1, "action": 1, "messages": 1,
                               "file": 1, "name": 1, "preset": 1}),
        ] {
            let what = format!("{path} with {body}");
            let (status, text) = send(app.client.post(app.url(path)).json(&body), &what).await;
            assert_clear_4xx(status, &text, &what);
        }
    }
}

#[tokio::test]
async fn oversized_bodies_are_413_with_the_limit_not_a_reset() {
    let app = app().await;
    let huge = vec![b'a'; HUGE];
    for path in SERVER_FNS {
        let what = format!("{path} with {HUGE} bytes");
        let (status, text) = send(
            app.client
                .post(app.url(path))
                .header("content-type", "application/json")
                .body(huge.clone()),
            &what,
        )
        .await;
        assert_eq!(status, 413, "{what}: {text}");
        assert_clear_4xx(status, &text, &what);
        assert!(text.contains("limit is"), "{what}: {text}");
    }
}

#[tokio::test]
async fn oversized_streamed_bodies_without_a_length_are_413() {
    let app = app().await;
    for path in [
        "/api/chat/stream",
        "/api/conversations/import",
        "/api/models",
    ] {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            (0..(HUGE / 65536)).map(|_| Ok(vec![b' '; 65536])).collect();
        let what = format!("{path} with a chunked {HUGE}-byte body");
        let (status, text) = send(
            app.client
                .post(app.url(path))
                .header("content-type", "application/json")
                .body(reqwest::Body::wrap_stream(stream::iter(chunks))),
            &what,
        )
        .await;
        assert_eq!(status, 413, "{what}: {text}");
        assert_clear_4xx(status, &text, &what);
    }
}

#[tokio::test]
async fn wrong_methods_and_unknown_paths_are_4xx_with_a_message() {
    let app = app().await;
    for path in SERVER_FNS {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
            let what = format!("{method} {path}");
            let (status, text) =
                send(app.client.request(method.clone(), app.url(path)), &what).await;
            assert_clear_4xx(status, &text, &what);
        }
    }
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let what = format!("{method} export");
        let (status, text) = send(
            app.client
                .request(method.clone(), app.url("/api/conversations/abc/export")),
            &what,
        )
        .await;
        assert_clear_4xx(status, &text, &what);
    }
    for path in [
        "/api/nope",
        "/api/",
        "/api",
        "/api/chat",
        "/api/conversations/abc/export/extra",
        "/api/chat/stream/more",
        "/api/%ff%fe",
    ] {
        for method in [Method::GET, Method::POST] {
            let what = format!("{method} {path}");
            let (status, text) = send(
                app.client
                    .request(method.clone(), app.url(path))
                    .header("content-type", "application/json")
                    .body("{}"),
                &what,
            )
            .await;
            assert_clear_4xx(status, &text, &what);
        }
    }
}

#[tokio::test]
async fn hostile_export_requests_are_4xx_with_a_message() {
    let app = app().await;
    let long_id = "x".repeat(10_000);
    for (label, path) in [
        ("unknown id", "/api/conversations/nope/export".to_string()),
        (
            "bad format",
            "/api/conversations/nope/export?format=pdf".to_string(),
        ),
        (
            "repeated format",
            "/api/conversations/nope/export?format=a&format=b".to_string(),
        ),
        (
            "invalid percent-encoding",
            "/api/conversations/%ff%fe/export".to_string(),
        ),
        ("long id", format!("/api/conversations/{long_id}/export")),
        (
            "SQL-ish id",
            "/api/conversations/'%20OR%201=1--/export".to_string(),
        ),
    ] {
        let (status, text) = send(app.client.get(app.url(&path)), label).await;
        assert_clear_4xx(status, &text, label);
    }
}
