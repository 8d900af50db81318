//! Self-test of the fake upstream with a raw TCP client: bytes on the wire, records, and
//! immediate hang-up detection.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{FakeOptions, FakeUpstream, FakeUpstreamHandle, Script, ScriptStep};
use sluice_providers::event::ProviderEvent;
use sluice_providers::openai::chat::ChatCompletionsParser;

async fn start(options: FakeOptions) -> FakeUpstreamHandle {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    FakeUpstream::start(listener, options).await
}

fn chat_body(model: &str, message: &str) -> String {
    serde_json::json!({
        "model": model,
        "stream": true,
        "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": message}],
    })
    .to_string()
}

fn raw_request(method: &str, path: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: fake\r\n{extra_headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends a request and reads the whole response: (status, head, raw body).
async fn exchange(handle: &FakeUpstreamHandle, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(handle.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(response[..split].to_vec()).unwrap();
    let status = head[9..12].parse().unwrap();
    (status, head, response[split + 4..].to_vec())
}

/// Decodes a chunked body: (payload, whether the terminating chunk arrived).
fn dechunk(mut raw: &[u8]) -> (Vec<u8>, bool) {
    let mut payload = Vec::new();
    loop {
        let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") else {
            return (payload, false);
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).unwrap(), 16).unwrap();
        if size == 0 {
            return (payload, &raw[line_end..] == b"\r\n\r\n");
        }
        let start = line_end + 2;
        if raw.len() < start + size + 2 {
            return (payload, false);
        }
        payload.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
}

fn parse_chat(body: &[u8]) -> (String, Vec<ProviderEvent>) {
    let mut parser = ChatCompletionsParser::new();
    let mut events = parser.push_bytes(body);
    events.extend(parser.finish());
    let text = events
        .iter()
        .filter_map(|event| match event {
            ProviderEvent::Text(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    (text, events)
}

#[tokio::test]
async fn scripted_bytes_arrive_and_are_counted() {
    let fake = start(FakeOptions::default()).await;
    let script = Script {
        status: 200,
        content_type: "text/event-stream".to_string(),
        steps: vec![
            ScriptStep::Send(b"hello ".to_vec()),
            ScriptStep::Wait(Duration::from_millis(10)),
            ScriptStep::Send(Vec::new()),
            ScriptStep::Send("wörld".as_bytes().to_vec()),
        ],
    };
    fake.add_script("t-basic", script);
    let request = raw_request(
        "POST",
        "/v1/chat/completions",
        "",
        &chat_body("t-basic", "hi ✨"),
    );
    let (status, head, raw) = exchange(&fake, &request).await;
    assert_eq!(status, 200);
    assert!(head.contains("Transfer-Encoding: chunked"), "{head}");
    assert!(head.contains("Connection: close"), "{head}");
    let (payload, complete) = dechunk(&raw);
    assert_eq!(payload, "hello wörld".as_bytes());
    assert!(complete);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let records = fake.records();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.index, 0);
    assert_eq!(record.model, "t-basic");
    assert_eq!(record.path, "/v1/chat/completions");
    assert_eq!(record.bytes_sent, "hello wörld".len());
    assert!(record.completed);
    assert!(record.first_byte_ms.unwrap() >= record.started_ms);
    assert_eq!(record.client_disconnected_ms, None);
    assert!(record.authorization_ok);
    assert_eq!(record.last_user_message.as_deref(), Some("hi ✨"));
    assert_eq!(
        fake.wait_for_disconnect(0, Duration::from_millis(100))
            .await,
        None
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn client_drop_during_long_wait_is_seen_within_50_ms() {
    let fake = start(FakeOptions::default()).await;
    let script = Script {
        status: 200,
        content_type: "text/event-stream".to_string(),
        steps: vec![
            ScriptStep::Send(b"first".to_vec()),
            ScriptStep::Wait(Duration::from_secs(30)),
            ScriptStep::Send(b"never".to_vec()),
        ],
    };
    fake.add_script("t-wait", script);
    let mut stream = TcpStream::connect(fake.addr()).await.unwrap();
    let request = raw_request(
        "POST",
        "/v1/chat/completions",
        "",
        &chat_body("t-wait", "x"),
    );
    stream.write_all(&request).await.unwrap();
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("first") {
        let mut buffer = [0_u8; 1024];
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "stream ended early");
        seen.extend_from_slice(&buffer[..read]);
    }
    // Let the fake settle into its 30 s wait, then hang up.
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(stream);
    let dropped_at = Instant::now();
    let record = fake
        .wait_for_disconnect(0, Duration::from_secs(2))
        .await
        .expect("disconnect recorded");
    assert!(
        dropped_at.elapsed() < Duration::from_millis(50),
        "took {:?}",
        dropped_at.elapsed()
    );
    assert_eq!(record.bytes_sent, 5);
    assert!(!record.completed);
    let disconnected = record.client_disconnected_ms.unwrap();
    assert!(disconnected > record.first_byte_ms.unwrap() + 90.0);
    fake.shutdown().await;
}

#[tokio::test]
async fn required_key_is_enforced() {
    let options = FakeOptions {
        required_api_key: Some("sk-right".to_string()),
        ..FakeOptions::default()
    };
    let fake = start(options).await;
    let body = chat_body("fake-echo", "hello");
    let (status, _, raw) = exchange(
        &fake,
        &raw_request("POST", "/v1/chat/completions", "", &body),
    )
    .await;
    assert_eq!(status, 401);
    assert!(String::from_utf8_lossy(&raw).contains("invalid_api_key"));
    let wrong = "Authorization: Bearer sk-wrong\r\n";
    let (status, _, _) = exchange(
        &fake,
        &raw_request("POST", "/v1/chat/completions", wrong, &body),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, _) = exchange(&fake, &raw_request("GET", "/v1/models", "", "")).await;
    assert_eq!(status, 401);
    let right = "Authorization: Bearer sk-right\r\n";
    let (status, _, raw) = exchange(
        &fake,
        &raw_request("POST", "/v1/chat/completions", right, &body),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(parse_chat(&dechunk(&raw).0).0, "hello");
    let flags: Vec<bool> = fake.records().iter().map(|r| r.authorization_ok).collect();
    assert_eq!(flags, [false, false, true]);
    fake.shutdown().await;
}

#[tokio::test]
async fn echo_streams_the_last_user_message_back() {
    let fake = start(FakeOptions {
        seed: 42,
        ..FakeOptions::default()
    })
    .await;
    let message = "Grüße, 世界! 🦀 Multi\nline \"quoted\" text";
    let body = chat_body("fake-echo", message);
    let (_, head, raw) = exchange(
        &fake,
        &raw_request("POST", "/v1/chat/completions", "", &body),
    )
    .await;
    assert!(head.contains("text/event-stream"));
    let (payload, complete) = dechunk(&raw);
    assert!(complete);
    let (text, events) = parse_chat(&payload);
    assert_eq!(text, message);
    assert!(events.iter().any(|e| matches!(e, ProviderEvent::Usage(_))));
    assert!(!events.iter().any(|e| matches!(e, ProviderEvent::Error(_))));
    fake.shutdown().await;
}

#[tokio::test]
async fn error_and_drop_scenarios() {
    let fake = start(FakeOptions::default()).await;
    let (_, _, raw) = exchange(
        &fake,
        &raw_request(
            "POST",
            "/v1/chat/completions",
            "",
            &chat_body("fake-error", "x"),
        ),
    )
    .await;
    let (payload, complete) = dechunk(&raw);
    assert!(complete);
    let (text, events) = parse_chat(&payload);
    assert_eq!(text, "The answer starts fine and then");
    assert!(
        matches!(events.last(), Some(ProviderEvent::Error(e)) if e.message == "The model crashed")
    );

    let (_, _, raw) = exchange(
        &fake,
        &raw_request(
            "POST",
            "/v1/chat/completions",
            "",
            &chat_body("fake-drop", "x"),
        ),
    )
    .await;
    let (payload, complete) = dechunk(&raw);
    assert!(!complete, "a dropped stream must not look complete");
    assert_eq!(parse_chat(&payload).0, "This answer will be cut off right");
    let records = fake.records();
    assert!(records[0].completed);
    assert!(!records[1].completed);
    assert_eq!(records[1].client_disconnected_ms, None);
    fake.shutdown().await;
}

#[tokio::test]
async fn status_scenarios_models_and_records_routes() {
    let fake = start(FakeOptions::default()).await;
    let post =
        |model: &str| raw_request("POST", "/v1/chat/completions", "", &chat_body(model, "x"));
    let (status, head, _) = exchange(&fake, &post("fake-ratelimit")).await;
    assert_eq!(status, 429);
    assert!(head.contains("Retry-After: 20"));
    assert_eq!(exchange(&fake, &post("fake-overloaded")).await.0, 503);
    assert_eq!(exchange(&fake, &post("fake-unauthorized")).await.0, 401);
    assert_eq!(exchange(&fake, &post("no-such-model")).await.0, 404);

    let (status, _, raw) = exchange(&fake, &raw_request("GET", "/v1/models", "", "")).await;
    assert_eq!(status, 200);
    let models: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"fake-markdown") && ids.contains(&"fake-stall"),
        "{ids:?}"
    );

    let (_, _, raw) = exchange(&fake, &raw_request("GET", "/_records", "", "")).await;
    let records: Vec<super::RequestRecord> = serde_json::from_slice(&raw).unwrap();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0].model, "fake-ratelimit");
    assert_eq!(
        exchange(&fake, &raw_request("DELETE", "/_records", "", ""))
            .await
            .0,
        200
    );
    assert!(fake.records().is_empty());
    assert_eq!(
        exchange(&fake, &raw_request("GET", "/nope", "", ""))
            .await
            .0,
        404
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn fixture_replay_is_byte_exact() {
    let dir = std::env::temp_dir().join(format!("sluice-fake-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bytes: Vec<u8> = (0..500)
        .flat_map(|n| format!("data: {{\"n\":{n},\"s\":\"é🦀\"}}\r\n\r\n").into_bytes())
        .collect();
    std::fs::write(dir.join("openai-chat__sample.sse"), &bytes).unwrap();
    let fake = start(FakeOptions {
        fixtures_dir: Some(dir.clone()),
        seed: 3,
        ..FakeOptions::default()
    })
    .await;
    let (_, _, raw) = exchange(&fake, &raw_request("GET", "/v1/models", "", "")).await;
    assert!(String::from_utf8_lossy(&raw).contains("fake-fixture-openai-chat__sample"));
    let body = chat_body("fake-fixture-openai-chat__sample", "x");
    let (status, _, raw) = exchange(
        &fake,
        &raw_request("POST", "/v1/chat/completions", "", &body),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(dechunk(&raw), (bytes, true));
    let body = chat_body("fake-fixture-../secret", "x");
    assert_eq!(
        exchange(
            &fake,
            &raw_request("POST", "/v1/chat/completions", "", &body)
        )
        .await
        .0,
        404
    );
    fake.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn bad_requests_get_an_error_reply() {
    let fake = start(FakeOptions::default()).await;
    let (status, _, raw) = exchange(&fake, b"NONSENSE\r\n\r\n").await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&raw).contains("bad request line"));
    let chunked =
        b"POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(exchange(&fake, chunked).await.0, 411);
    let request = raw_request("POST", "/v1/chat/completions", "", "{not json");
    assert_eq!(exchange(&fake, &request).await.0, 400);
    assert_eq!(
        fake.records().len(),
        1,
        "only the parsed chat request is recorded"
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn ollama_show_names_vision_for_vision_models() {
    let fake = start(FakeOptions::default()).await;
    let show = |model: &str| {
        raw_request(
            "POST",
            "/api/show",
            "",
            &serde_json::json!({ "model": model }).to_string(),
        )
    };
    let capabilities = |raw: &[u8]| -> serde_json::Value {
        serde_json::from_slice::<serde_json::Value>(raw).unwrap()["capabilities"].clone()
    };
    let (status, _, raw) = exchange(&fake, &show("llama3.2-vision")).await;
    assert_eq!(status, 200);
    assert_eq!(
        capabilities(&raw),
        serde_json::json!(["completion", "vision"])
    );
    let (_, _, raw) = exchange(&fake, &show("llava:7b")).await;
    assert_eq!(
        capabilities(&raw),
        serde_json::json!(["completion", "vision"])
    );
    let (_, _, raw) = exchange(&fake, &show("qwen3")).await;
    assert_eq!(capabilities(&raw), serde_json::json!(["completion"]));
    let (status, _, _) = exchange(&fake, &raw_request("POST", "/api/show", "", "{}")).await;
    assert_eq!(status, 400);
    assert!(fake.records().is_empty(), "/api/show is not a chat request");
    fake.shutdown().await;
}

#[tokio::test]
async fn every_family_records_the_json_body_it_received() {
    let fake = start(FakeOptions::default()).await;
    let image = serde_json::json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}});
    let bodies = [
        (
            "/v1/chat/completions",
            serde_json::json!({"model": "m", "messages": [{"role": "user", "content": [image]}]}),
        ),
        (
            "/v1/responses",
            serde_json::json!({"model": "m", "input": [{"role": "user", "content": "r"}]}),
        ),
        (
            "/v1/messages",
            serde_json::json!({"model": "m", "messages": [{"role": "user", "content": "a"}]}),
        ),
        (
            "/v1beta/models/m:streamGenerateContent?alt=sse",
            serde_json::json!({"contents": [{"role": "user", "parts": [{"text": "g"}]}]}),
        ),
        (
            "/api/chat",
            serde_json::json!({"model": "m", "messages": [{"role": "user", "content": "o", "images": ["AAAA"]}]}),
        ),
    ];
    for (path, body) in &bodies {
        exchange(&fake, &raw_request("POST", path, "", &body.to_string())).await;
    }
    let records = fake.records();
    assert_eq!(records.len(), bodies.len());
    for (record, (path, body)) in records.iter().zip(&bodies) {
        assert_eq!(&record.path, path);
        assert_eq!(&record.body, body, "{path}");
    }
    let (_, _, raw) = exchange(&fake, &raw_request("GET", "/_records", "", "")).await;
    let listed: Vec<super::RequestRecord> = serde_json::from_slice(&raw).unwrap();
    assert_eq!(listed[4].body["messages"][0]["images"][0], "AAAA");
    fake.shutdown().await;
}
