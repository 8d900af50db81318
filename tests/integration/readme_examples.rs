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

use crate::support::TestApp;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// The README, as compiled into the test (a change to it rebuilds the test).
const README: &str = include_str!("../../README.md");

/// The address the README's examples are written for.
const README_ORIGIN: &str = "http://127.0.0.1:3000";

/// Marks the expectation comment under a `curl` command.
const EXPECT_MARK: &str = "# →";

/// Longest time one example may take.
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(30);

/// One fenced code block of the README.
#[derive(Debug)]
struct Block {
    /// The info string after the opening fence (`sh`, `json`, `text`, …).
    lang: String,
    /// The lines between the fences.
    body: String,
    /// 1-based line of the opening fence, for messages.
    line: usize,
}

/// One `curl` example with what the README says it answers.
#[derive(Debug)]
struct Example {
    /// The command's words, as a shell would split them.
    words: Vec<String>,
    /// The status the README documents.
    status: u16,
    /// The exact `Content-Type` the README documents.
    content_type: String,
    /// SSE events the answer must contain.
    events: Vec<String>,
    /// Index of the block it came from.
    block: usize,
    /// README line of the command, for messages.
    line: usize,
}

/// A request parsed from a `curl` command line.
#[derive(Debug, Default)]
struct CurlRequest {
    /// `-X`, else POST with data, else GET.
    method: Option<String>,
    /// The one URL.
    url: String,
    /// `-H` headers in order.
    headers: Vec<(String, String)>,
    /// `-d` / `--data*`, joined with `&` as curl joins several.
    data: Option<String>,
    /// `-J`: the answer must name a file in `Content-Disposition`.
    wants_attachment: bool,
}

/// Splits `text` into fenced code blocks (``` fences at the start of a line).
fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some(Block {
                        lang: info.trim().to_string(),
                        body: String::new(),
                        line: index + 1,
                    });
                }
            }
            Some(mut block) => {
                if trimmed.starts_with("```") {
                    blocks.push(block);
                } else {
                    block.body.push_str(line);
                    block.body.push('\n');
                    open = Some(block);
                }
            }
        }
    }
    assert!(open.is_none(), "README.md ends inside a code block");
    blocks
}

/// The `curl` examples of `blocks`, with their expectation lines.
fn curl_examples(blocks: &[Block]) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        // Logical lines: a trailing backslash continues the line.
        let mut logical: Vec<(usize, String)> = Vec::new();
        let mut pending: Option<(usize, String)> = None;
        for (offset, line) in block.body.lines().enumerate() {
            let (start, mut text) = pending
                .take()
                .unwrap_or((block.line + 1 + offset, String::new()));
            match line.strip_suffix('\\') {
                Some(head) => {
                    text.push_str(head);
                    pending = Some((start, text));
                }
                None => {
                    text.push_str(line);
                    logical.push((start, text));
                }
            }
        }
        let mut waiting: Option<(usize, Vec<String>)> = None;
        for (line, text) in logical {
            let text = text.trim();
            if let Some(expectation) = text.strip_prefix(EXPECT_MARK) {
                let Some((command_line, words)) = waiting.take() else {
                    panic!("README line {line}: `{EXPECT_MARK}` without a curl command above it");
                };
                let (status, content_type, events) = parse_expectation(expectation, line);
                examples.push(Example {
                    words,
                    status,
                    content_type,
                    events,
                    block: index,
                    line: command_line,
                });
                continue;
            }
            if text.starts_with("curl ") {
                if let Some((previous, _)) = waiting {
                    panic!("README line {previous}: curl example without a `{EXPECT_MARK}` line");
                }
                waiting = Some((line, shell_words(text, line)));
            }
        }
        if let Some((line, _)) = waiting {
            panic!("README line {line}: curl example without a `{EXPECT_MARK}` line");
        }
    }
    examples
}

/// `200 text/event-stream (started, done)` → status, content type, events.
fn parse_expectation(text: &str, line: usize) -> (u16, String, Vec<String>) {
    let text = text.trim();
    let (head, events) = match text.split_once(" (") {
        Some((head, list)) => {
            let list = list
                .strip_suffix(')')
                .unwrap_or_else(|| panic!("README line {line}: unclosed event list"));
            let events = list.split(',').map(|e| e.trim().to_string()).collect();
            (head, events)
        }
        None => (text, Vec::new()),
    };
    let (status, content_type) = head
        .split_once(' ')
        .unwrap_or_else(|| panic!("README line {line}: want `{EXPECT_MARK} STATUS TYPE`"));
    let status = status
        .parse()
        .unwrap_or_else(|_| panic!("README line {line}: {status:?} is not a status"));
    (status, content_type.trim().to_string(), events)
}

/// Splits a command line into words as a POSIX shell does for the quoting the README uses:
/// single quotes, double quotes (with `\"` and `\\`) and backslash escapes.
fn shell_words(text: &str, line: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(done) = word.take() {
                    words.push(done);
                }
            }
            '\'' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => current.push(c),
                        None => panic!("README line {line}: unclosed single quote"),
                    }
                }
            }
            '"' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => current.push(c),
                            Some(c) => {
                                current.push('\\');
                                current.push(c);
                            }
                            None => panic!("README line {line}: unclosed double quote"),
                        },
                        Some('$' | '`') => {
                            panic!("README line {line}: shell expansion in an example")
                        }
                        Some(c) => current.push(c),
                        None => panic!("README line {line}: unclosed double quote"),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next() {
                    word.get_or_insert_with(String::new).push(c);
                }
            }
            '$' | '`' | '|' | ';' | '&' | '>' | '<' => {
                panic!("README line {line}: shell syntax {c:?} in a curl example")
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(done) = word {
        words.push(done);
    }
    words
}

/// Parses the curl options the README uses; any other option fails (the test could not run
/// the example faithfully).
fn parse_curl(words: &[String], line: usize) -> CurlRequest {
    assert_eq!(words.first().map(String::as_str), Some("curl"));
    let mut request = CurlRequest::default();
    let mut urls = Vec::new();
    let mut rest = words[1..].iter();
    let value = |flag: &str, rest: &mut std::slice::Iter<'_, String>| -> String {
        rest.next()
            .unwrap_or_else(|| panic!("README line {line}: {flag} needs a value"))
            .clone()
    };
    while let Some(word) = rest.next() {
        match word.as_str() {
            "-X" | "--request" => request.method = Some(value(word, &mut rest)),
            "-H" | "--header" => {
                let header = value(word, &mut rest);
                let (name, content) = header
                    .split_once(':')
                    .unwrap_or_else(|| panic!("README line {line}: header {header:?}"));
                request
                    .headers
                    .push((name.trim().to_string(), content.trim().to_string()));
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" => {
                let data = value(word, &mut rest);
                request.data = Some(match request.data.take() {
                    Some(before) => format!("{before}&{data}"),
                    None => data,
                });
            }
            "--no-buffer" | "--include" | "--silent" | "--remote-name" => {}
            "--remote-header-name" => request.wants_attachment = true,
            flags if flags.starts_with('-') && !flags.starts_with("--") => {
                // Combined short flags without values, e.g. `-N`, `-OJ`, `-sSi`.
                for flag in flags[1..].chars() {
                    match flag {
                        'N' | 'i' | 's' | 'S' | 'O' => {}
                        'J' => request.wants_attachment = true,
                        other => panic!("README line {line}: curl option -{other} not supported"),
                    }
                }
            }
            option if option.starts_with("--") => {
                panic!("README line {line}: curl option {option} not supported")
            }
            url => urls.push(url.to_string()),
        }
    }
    assert_eq!(urls.len(), 1, "README line {line}: one URL per example");
    request.url = urls.remove(0);
    request
}

/// One SSE event: its `event:` name and its `data:` parsed as JSON.
#[derive(Debug)]
struct SseEvent {
    /// The `event:` field.
    name: String,
    /// The `data:` field as JSON.
    data: Value,
}

/// The events of an SSE text (comments and keep-alives skipped).
fn sse_events(text: &str) -> Vec<SseEvent> {
    text.split("\n\n")
        .filter_map(|frame| {
            let mut name = None;
            let mut data = String::new();
            for line in frame.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = Some(value.trim().to_string());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim_start());
                }
            }
            let name = name?;
            let data = serde_json::from_str(&data)
                .unwrap_or_else(|e| panic!("event {name}: data is not JSON ({e}): {data}"));
            Some(SseEvent { name, data })
        })
        .collect()
}

/// Asserts that every key of `sample` is in `actual`, recursively through objects.
fn assert_has_keys(sample: &Value, actual: &Value, path: &str) {
    let (Value::Object(sample), Value::Object(actual)) = (sample, actual) else {
        return;
    };
    for (key, value) in sample {
        let found = actual
            .get(key)
            .unwrap_or_else(|| panic!("{path}.{key} is in the README's sample, not in {actual:?}"));
        assert_has_keys(value, found, &format!("{path}.{key}"));
    }
}

/// Every object key anywhere in `value`.
fn all_keys(value: &Value, keys: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                keys.insert(key.clone());
                all_keys(inner, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| all_keys(item, keys)),
        _ => {}
    }
}

/// The `"key":` names written in a JSON-like sample (which may hold `…` where values go).
fn sample_keys(sample: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut rest = sample;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let (word, tail) = (&after[..end], &after[end + 1..]);
        if tail.trim_start().starts_with(':') {
            keys.insert(word.to_string());
        }
        rest = tail;
    }
    keys
}

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

#[test]
fn curl_command_lines_are_split_and_parsed_like_a_shell_and_curl_would() {
    let words = shell_words(
        r#"curl -N http://h/x -H 'content-type: application/json' -d "{\"a\": 1}" -OJ"#,
        1,
    );
    assert_eq!(
        words,
        [
            "curl",
            "-N",
            "http://h/x",
            "-H",
            "content-type: application/json",
            "-d",
            "{\"a\": 1}",
            "-OJ"
        ]
    );
    let request = parse_curl(&words, 1);
    assert_eq!(request.url, "http://h/x");
    assert_eq!(request.data.as_deref(), Some("{\"a\": 1}"));
    assert!(request.wants_attachment);
    assert_eq!(
        request.headers,
        [("content-type".to_string(), "application/json".to_string())]
    );
    let blocks = fenced_blocks(
        "text\n```sh\ncurl -N http://h/y \\\n  -d x\n# → 201 text/plain (a, b)\n```\n",
    );
    let examples = curl_examples(&blocks);
    assert_eq!(examples.len(), 1);
    assert_eq!(examples[0].words, ["curl", "-N", "http://h/y", "-d", "x"]);
    assert_eq!(examples[0].status, 201);
    assert_eq!(examples[0].content_type, "text/plain");
    assert_eq!(examples[0].events, ["a", "b"]);
}

#[test]
#[should_panic(expected = "without a `# →` line")]
fn a_curl_example_without_its_expectation_fails() {
    curl_examples(&fenced_blocks("```sh\ncurl http://h/z\n```\n"));
}
