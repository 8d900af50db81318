//! Gemini HTTP adapter: the exact request it builds (URL with `alt=sse`, key only in the
//! `x-goog-api-key` header, JSON body with roles, system instruction and generation config),
//! model discovery against a local stand-in server (paging, filtering), and one streamed
//! answer end to end through `stream_http`.

use futures::StreamExt;
use serde_json::{json, Value};
use sluice_providers::gemini::http::GeminiProvider;
use sluice_providers::InputMessage;
use sluice_providers::ModelDiscovery;
use sluice_providers::{Provider, ProviderEvent, ProviderRequest, ProviderSettings};
use sluice_wire::events::{FinishReason, Role, Usage};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "test-gemini-key-123";

fn settings(base_url: &str, key: Option<&str>) -> ProviderSettings {
    ProviderSettings {
        id: "gemini".into(),
        display_name: "Gemini".into(),
        base_url: base_url.into(),
        api_key: key.map(str::to_string),
        models: vec!["gemini-2.5-flash".into()],
        vision_models: Vec::new(),
        max_tokens: None,
        temperature: None,
        stall_timeout: std::time::Duration::from_secs(120),
    }
}

fn message(role: Role, content: &str) -> InputMessage {
    InputMessage::text(role, content)
}

fn json_body(request: &reqwest::Request) -> Value {
    let bytes = request.body().and_then(|b| b.as_bytes()).unwrap();
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn stream_request_has_the_documented_shape() {
    let mut settings = settings("https://generativelanguage.googleapis.com/", Some(KEY));
    settings.max_tokens = Some(256);
    settings.temperature = Some(0.5);
    let provider = GeminiProvider::new(settings).unwrap();
    let request = ProviderRequest {
        model: "gemini-2.5-flash".into(),
        messages: vec![
            message(Role::System, "Be brief."),
            message(Role::User, "Hi"),
            message(Role::Assistant, "Hello!"),
            message(Role::User, "Capital of France?"),
        ],
    };
    let built = provider.stream_request(&request).build().unwrap();
    assert_eq!(built.method(), reqwest::Method::POST);
    assert_eq!(
        built.url().as_str(),
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(built.headers()["x-goog-api-key"], KEY);
    assert_eq!(built.headers()["content-type"], "application/json");
    assert!(built.headers().get("authorization").is_none());
    assert!(!built.url().as_str().contains(KEY));
    assert_eq!(
        json_body(&built),
        json!({
            "contents": [
                {"role": "user", "parts": [{"text": "Hi"}]},
                {"role": "model", "parts": [{"text": "Hello!"}]},
                {"role": "user", "parts": [{"text": "Capital of France?"}]},
            ],
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "generationConfig": {"maxOutputTokens": 256, "temperature": 0.5},
        })
    );
}

#[test]
fn optional_parts_of_the_request_are_left_out() {
    let provider = GeminiProvider::new(settings("http://127.0.0.1:9/v1beta/", None)).unwrap();
    let request = ProviderRequest {
        model: "models/gemini-2.0-flash".into(),
        messages: vec![message(Role::User, "Hi")],
    };
    let built = provider.stream_request(&request).build().unwrap();
    assert_eq!(
        built.url().as_str(),
        "http://127.0.0.1:9/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"
    );
    assert!(built.headers().get("x-goog-api-key").is_none());
    assert_eq!(
        json_body(&built),
        json!({"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]})
    );
    let default_base = GeminiProvider::new(settings("", Some(KEY))).unwrap();
    let models = default_base.models_request(Some("next")).build().unwrap();
    assert_eq!(models.method(), reqwest::Method::GET);
    assert_eq!(
        models.url().as_str(),
        "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000&pageToken=next"
    );
    assert_eq!(models.headers()["x-goog-api-key"], KEY);
}

/// Serves `bodies` to successive connections (one request each) and returns the base URL and
/// a task yielding each request's head.
async fn serve(
    bodies: Vec<(&'static str, Vec<u8>)>,
) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut heads = Vec::new();
        for (content_type, body) in bodies {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let read = socket.read(&mut buffer).await.unwrap();
                assert!(read > 0, "client closed early");
                request.extend_from_slice(&buffer[..read]);
            }
            heads.push(String::from_utf8_lossy(&request).into_owned());
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            socket.write_all(head.as_bytes()).await.unwrap();
            socket.write_all(&body).await.unwrap();
            socket.shutdown().await.unwrap();
        }
        heads
    });
    (base, task)
}

#[tokio::test]
async fn discover_models_follows_pages_and_keeps_generative_models() {
    let page1 = json!({"models": [
        {"name": "models/gemini-2.5-pro", "supportedGenerationMethods": ["generateContent", "countTokens"]},
        {"name": "models/embedding-001", "supportedGenerationMethods": ["embedContent"]},
    ], "nextPageToken": "p2"});
    let page2 = json!({"models": [
        {"name": "models/gemini-2.0-flash", "supportedGenerationMethods": ["generateContent"]},
    ]});
    let (base, heads) = serve(vec![
        ("application/json", page1.to_string().into_bytes()),
        ("application/json", page2.to_string().into_bytes()),
    ])
    .await;
    let mut provider = GeminiProvider::new(settings(&base, Some(KEY))).unwrap();
    provider
        .discover_models(Duration::from_secs(5))
        .await
        .unwrap();
    let ids: Vec<String> = provider.models().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["gemini/gemini-2.0-flash", "gemini/gemini-2.5-pro"]);
    let heads = heads.await.unwrap();
    assert!(heads[0].starts_with("GET /v1beta/models?pageSize=1000 HTTP/1.1\r\n"));
    assert!(heads[1].starts_with("GET /v1beta/models?pageSize=1000&pageToken=p2 HTTP/1.1\r\n"));
    for head in &heads {
        assert!(head
            .to_ascii_lowercase()
            .contains(&format!("x-goog-api-key: {KEY}")));
    }
}

#[tokio::test]
async fn one_answer_streams_end_to_end() {
    let body = concat!(
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Par\"}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n",
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"is.\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],",
        "\"usageMetadata\": {\"promptTokenCount\": 7,\"candidatesTokenCount\": 2,\"totalTokenCount\": 9}}\r\n\r\n",
    );
    let (base, heads) = serve(vec![("text/event-stream", body.as_bytes().to_vec())]).await;
    let provider = GeminiProvider::new(settings(&base, Some(KEY))).unwrap();
    let request = ProviderRequest {
        model: "gemini-2.5-flash".into(),
        messages: vec![message(Role::User, "Capital of France?")],
    };
    let events: Vec<ProviderEvent> = provider.stream(request).collect().await;
    assert_eq!(
        events,
        vec![
            ProviderEvent::Text("Par".into()),
            ProviderEvent::Text("is.".into()),
            ProviderEvent::Usage(Usage {
                input_tokens: 7,
                output_tokens: 2,
                reasoning_tokens: None
            }),
            ProviderEvent::Finish(FinishReason::Stop),
        ]
    );
    let head = &heads.await.unwrap()[0];
    assert!(head.starts_with(
        "POST /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse HTTP/1.1\r\n"
    ));
    assert!(!head.lines().next().unwrap().contains(KEY));
}
