//! The Ollama HTTP adapter: request shape checked on built `reqwest::Request`s (no network),
//! then model listing, local detection and one streamed answer against a one-shot HTTP server
//! on a loopback socket.

use futures::StreamExt;
use serde_json::{json, Value};
use sluice_providers::ollama::http::{detect_local, OllamaProvider};
use sluice_providers::InputMessage;
use sluice_providers::ModelDiscovery;
use sluice_providers::{
    Provider, ProviderErrorKind, ProviderEvent, ProviderRequest, ProviderSettings,
};
use sluice_wire::events::Role;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Settings for an Ollama at `base_url`, no key, no parameters.
fn settings(base_url: &str) -> ProviderSettings {
    ProviderSettings {
        id: "ollama".into(),
        display_name: "Ollama".into(),
        base_url: base_url.into(),
        api_key: None,
        models: vec!["llama3.2".into()],
        vision_models: Vec::new(),
        max_tokens: None,
        temperature: None,
        stall_timeout: std::time::Duration::from_secs(120),
    }
}

/// A conversation using every role.
fn conversation() -> ProviderRequest {
    let message = |role, content: &str| InputMessage::text(role, content);
    ProviderRequest {
        model: "llama3.2".into(),
        messages: vec![
            message(Role::System, "Be brief."),
            message(Role::User, "Hi"),
            message(Role::Assistant, "Hello!"),
            message(Role::User, "Count to 3"),
        ],
    }
}

/// The request the provider builds for [`conversation`], and its JSON body.
fn built(settings: ProviderSettings) -> (reqwest::Request, Value) {
    let provider = OllamaProvider::new(settings).unwrap();
    let request = provider.chat_request(&conversation()).build().unwrap();
    let body = request.body().and_then(|b| b.as_bytes()).unwrap();
    let json = serde_json::from_slice(body).unwrap();
    (request, json)
}

/// [`conversation`] as Ollama messages.
fn expected_messages() -> Value {
    json!([
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Count to 3"},
    ])
}

#[test]
fn default_request_posts_to_local_api_chat_without_auth_or_options() {
    let (request, body) = built(settings(""));
    assert_eq!(request.method(), "POST");
    assert_eq!(request.url().as_str(), "http://127.0.0.1:11434/api/chat");
    assert!(request.headers().get("authorization").is_none());
    assert_eq!(request.headers()["content-type"], "application/json");
    let expected = json!({"model": "llama3.2", "messages": expected_messages(), "stream": true});
    assert_eq!(body, expected);
}

#[test]
fn configured_key_and_parameters_are_sent() {
    let mut configured = settings("http://gpu-box:11434/");
    configured.api_key = Some("proxy-secret".into());
    configured.max_tokens = Some(64);
    configured.temperature = Some(0.7);
    let (request, body) = built(configured);
    assert_eq!(request.url().as_str(), "http://gpu-box:11434/api/chat");
    assert_eq!(request.headers()["authorization"], "Bearer proxy-secret");
    assert_eq!(
        body["options"],
        json!({"num_predict": 64, "temperature": 0.7})
    );
    assert_eq!(body["messages"], expected_messages());

    let mut only_limit = settings("http://h");
    only_limit.max_tokens = Some(5);
    assert_eq!(built(only_limit).1["options"], json!({"num_predict": 5}));
}

/// Serves `responses` (raw HTTP bytes), one per connection, on a loopback port; returns the
/// base URL and a task yielding each request's head line and body.
async fn serve(responses: Vec<String>) -> (String, tokio::task::JoinHandle<Vec<(String, String)>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut seen = Vec::new();
        for response in responses {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            let (head, body) = loop {
                let n = socket.read(&mut buf).await.unwrap();
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if body.len() >= length || n == 0 {
                        break (head.to_string(), body.to_string());
                    }
                }
            };
            socket.write_all(response.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
            seen.push((head.lines().next().unwrap().to_string(), body));
        }
        seen
    });
    (base, task)
}

/// A complete HTTP/1.1 response with a length-delimited body.
fn response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// An `/api/tags` answer listing two models, unsorted.
const TAGS: &str = r#"{"models":[{"name":"qwen3:14b","model":"qwen3:14b","size":1},{"name":"gemma3:1b","model":"gemma3:1b","size":2}]}"#;

#[tokio::test]
async fn discover_models_lists_api_tags_sorted() {
    let (base, task) = serve(vec![response("200 OK", "application/json", TAGS)]).await;
    let mut provider = OllamaProvider::new(settings(&base)).unwrap();
    provider
        .discover_models(Duration::from_secs(5))
        .await
        .unwrap();
    let ids: Vec<String> = provider.models().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, vec!["ollama/gemma3:1b", "ollama/qwen3:14b"]);
    assert_eq!(task.await.unwrap()[0].0, "GET /api/tags HTTP/1.1");
}

#[tokio::test]
async fn detect_local_finds_models_or_returns_none() {
    let (base, _task) = serve(vec![
        response("200 OK", "application/json", TAGS),
        response("404 Not Found", "text/plain", "404 page not found"),
        response("200 OK", "text/html", "<html>not ollama</html>"),
        response("200 OK", "application/json", r#"{"data":[]}"#),
    ])
    .await;
    let timeout = Duration::from_secs(5);
    let found = detect_local(&format!("{base}/"), timeout).await;
    assert_eq!(
        found,
        Some(vec!["gemma3:1b".to_string(), "qwen3:14b".to_string()])
    );
    for _ in 0..3 {
        assert_eq!(detect_local(&base, timeout).await, None);
    }
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    assert_eq!(detect_local(&closed_base, timeout).await, None);
}

/// Every event of one streamed answer.
async fn events_of(provider: &OllamaProvider) -> Vec<ProviderEvent> {
    provider.stream(conversation()).collect().await
}

#[tokio::test]
async fn streams_an_answer_and_maps_errors() {
    let answer = concat!(
        "{\"message\":{\"role\":\"assistant\",\"content\":\"1, 2\"},\"done\":false}\n",
        "{\"message\":{\"role\":\"assistant\",\"content\":\", 3\"},\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":9,\"eval_count\":4}\n",
    );
    let in_stream_error = "{\"message\":{\"content\":\"1\"},\"done\":false}\n{\"error\":\"an error was encountered while running the model\"}\n";
    let missing = r#"{"error":"model \"nope\" not found, try pulling it first"}"#;
    let (base, task) = serve(vec![
        response("200 OK", "application/x-ndjson", answer),
        response("200 OK", "application/x-ndjson", in_stream_error),
        response("404 Not Found", "application/json", missing),
    ])
    .await;
    let provider = OllamaProvider::new(settings(&base)).unwrap();

    let events = events_of(&provider).await;
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            ProviderEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "1, 2, 3");
    assert!(matches!(events.last(), Some(ProviderEvent::Finish(_))));

    let events = events_of(&provider).await;
    assert_eq!(events[0], ProviderEvent::Text("1".into()));
    let ProviderEvent::Error(error) = &events[1] else {
        panic!("expected an error, got {events:?}");
    };
    assert_eq!(
        error.message,
        "an error was encountered while running the model"
    );

    let events = events_of(&provider).await;
    let [ProviderEvent::Error(error)] = events.as_slice() else {
        panic!("expected one error, got {events:?}");
    };
    assert_eq!(error.kind, ProviderErrorKind::NotFound);
    assert!(error.message.contains("Ollama"), "{}", error.message);
    assert!(
        !error.message.contains('{'),
        "no raw JSON: {}",
        error.message
    );

    let seen = task.await.unwrap();
    assert_eq!(seen[0].0, "POST /api/chat HTTP/1.1");
    let body: Value = serde_json::from_str(&seen[0].1).unwrap();
    assert_eq!(body["messages"], expected_messages());
}
