//! Every `curl` example of README.md, run against a test server (issue 21), so the README and
//! the program cannot drift apart: the fenced code blocks are parsed, each `curl` command line
//! is turned into a reqwest request (no curl binary needed) and its answer is checked against
//! what the README documents for it.
//!
//! The README's conventions this test relies on (keep them when adding an example):
//! - each `curl` command is followed by a comment `# → STATUS CONTENT-TYPE`, optionally with
//!   `(event, event, …)`: the status, the exact `Content-Type` and the SSE events the answer
//!   must contain; a `curl` command without one fails the test;
//! - a `text` block of SSE frames (`event:` / `data:` lines) is the sample of every event
//!   stream: each event a response shares with it has at least the sample's JSON keys, and every
//!   event name a response carries is in the README (as `` `name` ``, `event: name` or
//!   `"type":"name"`); a temporary chat's `started` (a request with `messages`) is not held to
//!   the sample's `stored`, which the README says it lacks;
//! - a `json` block right after a block of examples is the sample of those examples that answer
//!   `application/json`: every key it shows is in the response.
//!
//! Substitutions, the only liberties taken with the commands:
//! - `http://127.0.0.1:3000` is the test server's address (any other address fails);
//! - an id the SSE sample's `started` event shows as `xxxx…` (`turn_id`, `conversation_id`,
//!   `user_message_id`, `answer_id`) is that field of the `started` event of the first example
//!   that answered one, and `<id>` is its `conversation_id`.
//!
//! The server runs in the default `off` mode (no cookie or token to substitute) with a fast
//! demo model; examples run in README order, each after the answers before it have ended.

mod command_line;
mod response_shape;

use crate::support::TestApp;
use command_line::{curl_examples, fenced_blocks, parse_curl, Block};
use response_shape::{all_keys, assert_has_keys, sample_keys, sse_events};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// The README, as compiled into the test (a change to it rebuilds the test).
const README: &str = include_str!("../../README.md");

/// The address the README's examples are written for.
const README_ORIGIN: &str = "http://127.0.0.1:3000";

/// Longest time one example may take.
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the README's samples say about answers.
struct Samples {
    /// The SSE sample's events by name.
    events: HashMap<String, Value>,
    /// Placeholder (`6f0c…`) → the `started` field it stands for (`turn_id`, `stored.answer_id`).
    placeholders: Vec<(String, String)>,
}

/// Reads the SSE sample block and its placeholder ids.
fn samples(blocks: &[Block]) -> Samples {
    let sse = blocks
        .iter()
        .find(|b| b.lang == "text" && b.body.contains("\nevent: "))
        .expect("README has an SSE sample block");
    let events: HashMap<String, Value> = sse_events(&sse.body)
        .into_iter()
        .map(|e| (e.name, e.data))
        .collect();
    let started = events
        .get("started")
        .expect("the SSE sample shows `started`");
    let mut placeholders = Vec::new();
    let mut collect = |object: &Value, prefix: &str| {
        for (key, value) in object.as_object().into_iter().flatten() {
            if let Some(text) = value.as_str().filter(|t| t.ends_with('…')) {
                placeholders.push((text.to_string(), format!("{prefix}{key}")));
            }
        }
    };
    collect(started, "");
    collect(&started["stored"], "stored.");
    Samples {
        events,
        placeholders,
    }
}

/// The ids an earlier example's `started` event carried, by field (`turn_id`, `stored.…`).
fn started_ids(started: &Value) -> HashMap<String, String> {
    let mut ids = HashMap::new();
    let mut collect = |object: &Value, prefix: &str| {
        for (key, value) in object.as_object().into_iter().flatten() {
            if let Some(text) = value.as_str() {
                ids.insert(format!("{prefix}{key}"), text.to_string());
            }
        }
    };
    collect(started, "");
    collect(&started["stored"], "stored.");
    ids
}

/// Applies the substitution rules of the module doc to one piece of an example.
fn substitute(
    text: &str,
    app: &TestApp,
    samples: &Samples,
    ids: &HashMap<String, String>,
    line: usize,
) -> String {
    let mut text = text.replace(README_ORIGIN, &app.url(""));
    for (placeholder, field) in &samples.placeholders {
        if text.contains(placeholder.as_str()) {
            let id = ids.get(field).unwrap_or_else(|| {
                panic!("README line {line}: {placeholder} before any example answered a `started`")
            });
            text = text.replace(placeholder.as_str(), id);
        }
    }
    if text.contains("<id>") {
        let id = ids
            .get("stored.conversation_id")
            .unwrap_or_else(|| panic!("README line {line}: <id> before any stored conversation"));
        text = text.replace("<id>", id);
    }
    assert!(
        !text.contains('…') && !text.contains('<'),
        "README line {line}: a placeholder this test does not know: {text}"
    );
    text
}

/// Waits until no answer is live, so each example sees the ones before it ended.
async fn answers_end(app: &TestApp) {
    let deadline = Instant::now() + EXAMPLE_TIMEOUT;
    while app.state.turns.live_count() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(app.state.turns.live_count(), 0, "an answer never ended");
}

#[tokio::test]
async fn every_curl_example_of_the_readme_answers_as_documented() {
    let blocks = fenced_blocks(README);
    let examples = curl_examples(&blocks);
    assert!(
        examples.len() >= 6,
        "the README's curl examples were not found: {examples:?}"
    );
    let samples = samples(&blocks);
    let app = TestApp::fast_demo().await;
    let mut ids: HashMap<String, String> = HashMap::new();
    for example in &examples {
        let line = example.line;
        let curl = parse_curl(&example.words, line);
        let url = substitute(&curl.url, &app, &samples, &ids, line);
        assert!(
            url.starts_with(&app.url("/")),
            "README line {line}: not an address of the server: {}",
            curl.url
        );
        let method = curl
            .method
            .clone()
            .unwrap_or_else(|| if curl.data.is_some() { "POST" } else { "GET" }.to_string());
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = app.client.request(method, &url);
        let mut has_content_type = false;
        for (name, value) in &curl.headers {
            has_content_type |= name.eq_ignore_ascii_case("content-type");
            let value = substitute(value, &app, &samples, &ids, line);
            request = request.header(name.as_str(), value);
        }
        if let Some(data) = &curl.data {
            if !has_content_type {
                // What curl sends with -d.
                request = request.header("content-type", "application/x-www-form-urlencoded");
            }
            request = request.body(substitute(data, &app, &samples, &ids, line));
        }
        // A temporary chat's request carries `messages` (see the README).
        let temporary = curl
            .data
            .as_deref()
            .is_some_and(|d| d.contains("\"messages\""));
        let response = tokio::time::timeout(EXAMPLE_TIMEOUT, request.send())
            .await
            .unwrap_or_else(|_| panic!("README line {line}: no answer"))
            .unwrap_or_else(|e| panic!("README line {line}: {e}"));
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        let disposition = header("content-disposition");
        let body = tokio::time::timeout(EXAMPLE_TIMEOUT, response.text())
            .await
            .unwrap_or_else(|_| panic!("README line {line}: the answer never ended"))
            .unwrap_or_default();
        assert_eq!(status, example.status, "README line {line}: {body}");
        assert_eq!(
            content_type.as_deref(),
            Some(example.content_type.as_str()),
            "README line {line}"
        );
        if curl.wants_attachment {
            let disposition = disposition.unwrap_or_default();
            assert!(
                disposition.starts_with("attachment; filename=\""),
                "README line {line}: -J needs a file name, got {disposition:?}"
            );
        }
        if example.content_type == "text/event-stream" {
            let events = sse_events(&body);
            for event in &events {
                let documented = [
                    format!("`{}`", event.name),
                    format!("event: {}", event.name),
                    format!("\"type\":\"{}\"", event.name),
                ];
                assert!(
                    documented.iter().any(|form| README.contains(form.as_str())),
                    "README line {line}: the event {} is not in the README",
                    event.name
                );
                if let Some(sample) = samples.events.get(&event.name) {
                    let mut sample = sample.clone();
                    if temporary {
                        // The README: a temporary chat's `started` has no `stored`.
                        sample.as_object_mut().map(|keys| keys.remove("stored"));
                    }
                    assert_has_keys(&sample, &event.data, &event.name);
                }
                if event.name == "started" && event.data["stored"].is_object() {
                    ids = started_ids(&event.data);
                }
            }
            let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
            for wanted in &example.events {
                assert!(
                    names.contains(&wanted.as_str()),
                    "README line {line}: no {wanted} event in {names:?}"
                );
            }
        }
        if example.content_type.starts_with("application/json") {
            let actual: Value = serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("README line {line}: not JSON ({e}): {body}"));
            let sample = blocks
                .get(example.block + 1)
                .filter(|next| next.lang == "json");
            if let Some(sample) = sample {
                let mut keys = BTreeSet::new();
                all_keys(&actual, &mut keys);
                let missing: Vec<String> = sample_keys(&sample.body)
                    .into_iter()
                    .filter(|key| !keys.contains(key))
                    .collect();
                assert!(
                    missing.is_empty(),
                    "README line {line}: the sample's keys {missing:?} are not in {body}"
                );
            }
        }
        answers_end(&app).await;
    }
}
