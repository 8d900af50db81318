//! The OpenAI Responses adapter's HTTP request, built without a network: URL, bearer key,
//! JSON body (system messages as `instructions`, the other turns as `input`, the configured
//! `max_output_tokens` / `temperature`).

use serde_json::{json, Value};
use sluice_providers::openai::responses_http::OpenAiResponsesProvider;
use sluice_providers::InputMessage;
use sluice_providers::{ProviderRequest, ProviderSettings};
use sluice_wire::events::Role;

fn settings(
    api_key: Option<&str>,
    max_tokens: Option<u32>,
    temperature: Option<f32>,
) -> ProviderSettings {
    ProviderSettings {
        id: "openai-responses".into(),
        display_name: "OpenAI".into(),
        base_url: "https://api.example.test/v1/".into(),
        api_key: api_key.map(str::to_string),
        models: vec!["gpt-5".into()],
        vision_models: Vec::new(),
        max_tokens,
        temperature,
        stall_timeout: std::time::Duration::from_secs(120),
    }
}

fn message(role: Role, content: &str) -> InputMessage {
    InputMessage::text(role, content)
}

#[test]
fn http_request_shape() {
    let provider =
        OpenAiResponsesProvider::new(settings(Some("sk-test-123"), Some(256), Some(0.5))).unwrap();
    let request = ProviderRequest {
        model: "gpt-5".into(),
        messages: vec![
            message(Role::System, "Be brief."),
            message(Role::User, "Hi"),
            message(Role::Assistant, "Hello!"),
            message(Role::System, "Use Markdown."),
            message(Role::User, "Capital of France?"),
        ],
    };
    let built = provider.request(&request).build().unwrap();
    assert_eq!(built.method(), "POST");
    assert_eq!(
        built.url().as_str(),
        "https://api.example.test/v1/responses"
    );
    assert_eq!(built.headers()["authorization"], "Bearer sk-test-123");
    assert_eq!(built.headers()["content-type"], "application/json");
    let body: Value = serde_json::from_slice(built.body().unwrap().as_bytes().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({
            "model": "gpt-5",
            "instructions": "Be brief.\n\nUse Markdown.",
            "input": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "Capital of France?"},
            ],
            "stream": true,
            "max_output_tokens": 256,
            "temperature": 0.5,
        })
    );
}

#[test]
fn http_request_without_key_system_or_defaults() {
    let provider = OpenAiResponsesProvider::new(settings(None, None, None)).unwrap();
    let request = ProviderRequest {
        model: "local".into(),
        messages: vec![message(Role::User, "Hi")],
    };
    let built = provider.request(&request).build().unwrap();
    assert!(built.headers().get("authorization").is_none());
    let body: Value = serde_json::from_slice(built.body().unwrap().as_bytes().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"model": "local", "input": [{"role": "user", "content": "Hi"}], "stream": true})
    );
}
