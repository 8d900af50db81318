//! A temporary chat carries its whole history in the request. Its bounds: at most
//! `max_request_messages` messages (500,000 empty ones used to pass, as only text bytes were
//! counted) and at most `max_request_bytes` once encoded as JSON.

use crate::support::TestApp;
use serde_json::{json, Value};
use sluice::server::config::Config;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// `count` messages: all but the last empty (or `filler`), alternating roles, the last the
/// user's "hi".
fn history(count: usize, filler: &str) -> Vec<Value> {
    (0..count)
        .map(|i| {
            if i + 1 == count {
                json!({"role": "user", "content": "hi"})
            } else {
                let role = if i % 2 == 0 { "user" } else { "assistant" };
                json!({"role": role, "content": filler})
            }
        })
        .collect()
}

/// Sends a temporary chat of `messages`; returns (status, body) for a refusal, or (status, "")
/// for an accepted answer (not read).
async fn send(app: &TestApp, messages: Vec<Value>) -> (u16, String) {
    let body = json!({"model": "demo/sluice-demo", "messages": messages});
    let response = app.api("/api/chat/stream", body).await;
    let status = response.status().as_u16();
    if status == 200 {
        return (status, String::new());
    }
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn half_a_million_empty_messages_are_refused_quickly() {
    let app = TestApp::fast_demo().await;
    let started = Instant::now();
    let (status, body) = send(&app, history(500_000, "")).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("the limit is"), "{body}");
    assert!(!body.trim_start().starts_with('<'), "{body}");
    assert!(started.elapsed() < Duration::from_secs(30), "took too long");
    // The server is still answering.
    assert_eq!(send(&app, history(3, "fine")).await.0, 200);
}

#[tokio::test]
async fn one_message_over_the_count_is_refused_with_the_limit() {
    let app = TestApp::fast_demo().await;
    let (status, body) = send(&app, history(1_001, "m")).await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body.contains("The conversation has too many messages (1001; the limit is 1000)."),
        "{body}"
    );
    assert_eq!(send(&app, history(1_000, "m")).await.0, 200);

    let app = TestApp::fast_demo_and(&[("SLUICE_MAX_REQUEST_MESSAGES", "5")]).await;
    let (status, body) = send(&app, history(6, "")).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("(6; the limit is 5)"), "{body}");
    assert_eq!(send(&app, history(5, "")).await.0, 200);
}

#[tokio::test]
async fn the_encoded_size_counts_not_only_the_text() {
    let app = TestApp::fast_demo().await;
    // 1,000 messages of 250 bytes: 250,000 bytes of text (under the 256 KiB default), but
    // about 280,000 bytes of JSON once each message's role and quotes are counted.
    let (status, body) = send(&app, history(1_000, &"w".repeat(250))).await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body.contains("The conversation is too large (") && body.contains("the limit is 256 KiB"),
        "{body}"
    );
    assert_eq!(send(&app, history(800, &"w".repeat(250))).await.0, 200);
}

#[test]
fn the_message_count_limit_is_read_and_checked_at_start_up() {
    let env = |value: &str| -> HashMap<String, String> {
        HashMap::from([("SLUICE_MAX_REQUEST_MESSAGES".to_string(), value.to_string())])
    };
    let config = Config::from_parts(None, None, &HashMap::new()).expect("defaults");
    assert_eq!(config.server.max_request_messages, 1_000);
    let config = Config::from_parts(None, None, &env("42")).expect("42");
    assert_eq!(config.server.max_request_messages, 42);
    let file = "[server]\nmax_request_messages = 7\n";
    let config = Config::from_parts(None, Some(file), &HashMap::new()).expect("file");
    assert_eq!(config.server.max_request_messages, 7);
    for bad in ["0", "-1", "many"] {
        let error = Config::from_parts(None, None, &env(bad)).expect_err(bad);
        assert!(error.contains("SLUICE_MAX_REQUEST_MESSAGES"), "{error}");
    }
}
