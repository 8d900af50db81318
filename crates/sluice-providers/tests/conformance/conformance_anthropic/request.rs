//! The Anthropic HTTP adapter: the request's URL, headers and JSON body (built, not sent), and
//! end to end against a one-shot local HTTP server replaying a recorded fixture, plus model
//! discovery and an HTTP error.

use super::PREFIX;
use crate::conformance_support::{expected_text, fixtures};
use futures::StreamExt;
use serde_json::{json, Value};
use sluice_providers::anthropic::http::{AnthropicProvider, DEFAULT_BASE_URL};
use sluice_providers::InputMessage;
use sluice_providers::ModelDiscovery;
use sluice_providers::{
    Provider, ProviderErrorKind, ProviderEvent, ProviderRequest, ProviderSettings,
};
use sluice_wire::events::Role;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The key used by these tests; it must never show up in a message.
const KEY: &str = "sk-ant-test-secret";

fn settings(base_url: &str) -> ProviderSettings {
    ProviderSettings {
        id: "anthropic".into(),
        display_name: "Anthropic".into(),
        base_url: base_url.into(),
        api_key: Some(KEY.into()),
        models: vec!["claude-sonnet-4-5".into()],
        vision_models: Vec::new(),
        max_tokens: None,
        temperature: None,
        stall_timeout: std::time::Duration::from_secs(120),
    }
}

fn message(role: Role, content: &str) -> InputMessage {
    InputMessage::text(role, content)
}

fn conversation() -> ProviderRequest {
    ProviderRequest {
        model: "claude-sonnet-4-5".into(),
        messages: vec![
            message(Role::System, "Be brief."),
            message(Role::User, "Hi"),
            message(Role::Assistant, "Hello!"),
            message(Role::System, "Answer in French."),
            message(Role::System, "  "),
            message(Role::User, "Count to 3"),
        ],
    }
}

fn body_of(request: &reqwest::Request) -> Value {
    let bytes = request.body().and_then(|b| b.as_bytes()).expect("body");
    serde_json::from_slice(bytes).expect("JSON body")
}

#[test]
fn the_request_has_the_url_headers_and_body_the_api_requires() {
    let mut with_defaults = settings("https://proxy.example/anthropic/");
    with_defaults.temperature = Some(0.7);
    let provider = AnthropicProvider::new(with_defaults).unwrap();
    let request = provider.request_builder(&conversation()).build().unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.url().as_str(),
        "https://proxy.example/anthropic/v1/messages"
    );
    let headers = request.headers();
    assert_eq!(headers["x-api-key"], KEY);
    assert_eq!(headers["anthropic-version"], "2023-06-01");
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers.get("authorization").is_none());
    assert_eq!(
        body_of(&request),
        json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 4096,
            "system": "Be brief.\n\nAnswer in French.",
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "Count to 3"},
            ],
            "stream": true,
            "temperature": 0.7,
        })
    );
}

#[test]
fn without_system_messages_or_temperature_those_keys_are_absent() {
    let mut limited = settings(DEFAULT_BASE_URL);
    limited.max_tokens = Some(100);
    limited.api_key = None;
    let provider = AnthropicProvider::new(limited).unwrap();
    let mut request = conversation();
    request.messages.retain(|m| m.role != Role::System);
    let built = provider.request_builder(&request).build().unwrap();
    assert_eq!(
        built.url().as_str(),
        "https://api.anthropic.com/v1/messages"
    );
    assert!(built.headers().get("x-api-key").is_none());
    let body = body_of(&built);
    assert_eq!(body["max_tokens"], 100);
    assert!(body.get("system").is_none() && body.get("temperature").is_none());
}

/// Serves one HTTP response on a fresh loopback port; the task returns the request it read.
async fn serve_once(
    status: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request).to_lowercase();
            let Some(end) = text.find("\r\n\r\n") else {
                continue;
            };
            let length = text
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            if request.len() >= end + 4 + length {
                break;
            }
        }
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&body).await.unwrap();
        socket.shutdown().await.unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    (base, task)
}

/// Streams `fixture_stem`'s recorded body through the adapter; returns text, errors and the
/// request the server saw.
async fn stream_fixture(
    fixture_stem: &str,
) -> Option<(String, String, Vec<sluice_providers::ProviderError>, String)> {
    let fixture = fixtures(PREFIX)?
        .into_iter()
        .find(|f| f.stem.contains(fixture_stem))?;
    let (base, server) = serve_once("200 OK", "text/event-stream", fixture.body.clone()).await;
    let provider = AnthropicProvider::new(settings(&base)).unwrap();
    let events: Vec<ProviderEvent> = provider.stream(conversation()).collect().await;
    let mut text = String::new();
    let mut errors = Vec::new();
    for event in events {
        match event {
            ProviderEvent::Text(delta) => text.push_str(&delta),
            ProviderEvent::Error(error) => errors.push(error),
            _ => {}
        }
    }
    let seen = server.await.unwrap();
    Some((expected_text(&fixture.sidecar), text, errors, seen))
}

#[tokio::test]
async fn a_recorded_stream_flows_through_the_adapter() {
    let Some((want, text, errors, seen)) = stream_fixture("thinking-signature").await else {
        return;
    };
    assert_eq!(text, want);
    assert!(errors.is_empty(), "{errors:?}");
    let seen_lower = seen.to_lowercase();
    assert!(seen.starts_with("POST /v1/messages HTTP/1.1"), "{seen}");
    assert!(seen_lower.contains(&format!("x-api-key: {}", KEY.to_lowercase())));
    assert!(seen_lower.contains("anthropic-version: 2023-06-01"));
    assert!(seen.contains("\"stream\":true"));
}

#[tokio::test]
async fn an_overloaded_error_mid_answer_reaches_the_user_cleanly() {
    let Some((want, text, errors, _)) = stream_fixture("overloaded-error-midstream").await else {
        return;
    };
    assert_eq!(text, want, "partial text stays");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, ProviderErrorKind::Upstream);
    assert_eq!(
        errors[0].message,
        "Anthropic is overloaded; try again shortly."
    );
}

#[tokio::test]
async fn an_http_error_names_the_provider_and_hides_the_key() {
    let body = json!({"type":"error","error":{"type":"authentication_error","message":format!("invalid x-api-key {KEY}")}});
    let (base, server) = serve_once(
        "401 Unauthorized",
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    let provider = AnthropicProvider::new(settings(&base)).unwrap();
    let events: Vec<ProviderEvent> = provider.stream(conversation()).collect().await;
    server.await.unwrap();
    let [ProviderEvent::Error(error)] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(error.kind, ProviderErrorKind::Auth);
    assert!(error.message.contains("Invalid API key for Anthropic"));
    assert!(!error.message.contains(KEY));
}

#[tokio::test]
async fn discover_models_lists_data_ids() {
    let body = json!({"data":[{"id":"claude-sonnet-4-5","type":"model"},{"id":"claude-haiku-4-5","type":"model"}],"has_more":false});
    let (base, server) =
        serve_once("200 OK", "application/json", body.to_string().into_bytes()).await;
    let mut empty = settings(&base);
    empty.models.clear();
    let mut provider = AnthropicProvider::new(empty).unwrap();
    provider
        .discover_models(Duration::from_secs(5))
        .await
        .unwrap();
    let seen = server.await.unwrap().to_lowercase();
    assert!(
        seen.starts_with("get /v1/models?limit=1000 http/1.1"),
        "{seen}"
    );
    assert!(seen.contains("anthropic-version: 2023-06-01"));
    assert!(seen.contains(&format!("x-api-key: {}", KEY.to_lowercase())));
    let ids: Vec<String> = provider.models().into_iter().map(|m| m.id).collect();
    assert_eq!(
        ids,
        ["anthropic/claude-haiku-4-5", "anthropic/claude-sonnet-4-5"]
    );
}
