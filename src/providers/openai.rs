//! OpenAI Chat Completions adapter over HTTP, for OpenAI and every compatible server
//! (Ollama's `/v1`, llama.cpp, vLLM, LM Studio, OpenRouter, DeepSeek, Groq).
//!
//! The wire format is parsed by [`ChatCompletionsParser`]; this file only owns the HTTP request,
//! turns HTTP failures into user-safe [`ProviderError`]s and stops reading at `[DONE]`. The
//! response body lives inside the returned stream, so dropping the stream closes the connection.

use crate::events::{ModelInfo, Role};
use crate::providers::openai_chat::{self, ChatCompletionsParser};
use crate::providers::{
    Provider, ProviderError, ProviderErrorKind, ProviderEvent, ProviderRequest, ProviderStream,
};
use futures::{stream, StreamExt};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;

/// Largest error body read from a failed HTTP response (the rest is ignored).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A configured OpenAI-compatible endpoint.
pub struct OpenAiProvider {
    /// Id used in model ids and shown as the picker group.
    id: String,
    /// Base URL ending before `/chat/completions`, e.g. `https://api.openai.com/v1`.
    base_url: String,
    /// Secret sent as a bearer token; never leaves the server.
    api_key: Option<String>,
    /// Model names offered in the picker.
    models: Vec<String>,
    /// Default `max_tokens` for requests, when configured.
    max_tokens: Option<u32>,
    /// Default sampling temperature, when configured.
    temperature: Option<f32>,
    /// Shared connection pool.
    client: reqwest::Client,
}

/// Settings to build an [`OpenAiProvider`].
pub struct OpenAiSettings {
    /// Provider id.
    pub id: String,
    /// Base URL of the API.
    pub base_url: String,
    /// Bearer key, if the server needs one.
    pub api_key: Option<String>,
    /// Models to offer.
    pub models: Vec<String>,
    /// Default `max_tokens`.
    pub max_tokens: Option<u32>,
    /// Default temperature.
    pub temperature: Option<f32>,
}

impl OpenAiProvider {
    /// Builds the provider; the client has a connect timeout but no overall timeout, since an
    /// answer may stream for many minutes.
    pub fn new(settings: OpenAiSettings) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot build HTTP client: {e}"))?;
        Ok(Self {
            id: settings.id,
            base_url: settings.base_url.trim_end_matches('/').to_string(),
            api_key: settings.api_key,
            models: settings.models,
            max_tokens: settings.max_tokens,
            temperature: settings.temperature,
            client,
        })
    }

    /// Asks the server which models it has (`GET /models`), for providers configured without a
    /// model list. Errors are returned as text for the start-up log.
    pub async fn discover_models(&self, timeout: Duration) -> Result<Vec<String>, String> {
        let mut request = self
            .client
            .get(format!("{}/models", self.base_url))
            .timeout(timeout);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status().as_u16()));
        }
        let body: Value = response
            .json()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let mut names: Vec<String> = body["data"]
            .as_array()
            .map(|models| {
                models
                    .iter()
                    .filter_map(|m| m["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        Ok(names)
    }

    /// Replaces the model list (after discovery).
    pub fn set_models(&mut self, models: Vec<String>) {
        self.models = models;
    }

    /// The JSON request body.
    fn body(&self, request: &ProviderRequest) -> Value {
        let messages: Vec<Value> = request
            .messages
            .iter()
            .map(|m| {
                let role = match m.role {
                    Role::System => "system",
                    Role::User => "user",
                    Role::Assistant => "assistant",
                };
                json!({ "role": role, "content": m.content })
            })
            .collect();
        let mut body = json!({
            "model": request.model,
            "messages": messages,
            "stream": true,
            "stream_options": { "include_usage": true },
        });
        if let Some(max_tokens) = self.max_tokens {
            body["max_tokens"] = json!(max_tokens);
        }
        if let Some(temperature) = self.temperature {
            body["temperature"] = json!(temperature);
        }
        body
    }
}

/// Where the adapter's stream is in its life.
enum Phase {
    /// Waiting for response headers.
    Connecting(futures::future::BoxFuture<'static, Result<reqwest::Response, reqwest::Error>>),
    /// Reading the body.
    Streaming(futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>),
    /// Nothing more to read.
    Ended,
}

/// State carried between items of the adapter's stream.
struct StreamState {
    /// Connection phase.
    phase: Phase,
    /// Wire-format parser.
    parser: ChatCompletionsParser,
    /// Events parsed but not yet yielded.
    ready: VecDeque<ProviderEvent>,
    /// Provider name, for error messages.
    provider: String,
    /// Key to scrub from any provider text shown to users.
    api_key: Option<String>,
}

impl Provider for OpenAiProvider {
    fn id(&self) -> &str {
        &self.id
    }

    fn models(&self) -> Vec<ModelInfo> {
        self.models
            .iter()
            .map(|name| ModelInfo {
                id: format!("{}/{}", self.id, name),
                label: name.clone(),
                provider: self.id.clone(),
                is_demo: false,
            })
            .collect()
    }

    fn stream(&self, request: ProviderRequest) -> ProviderStream {
        let mut http = self
            .client
            .post(format!("{}/chat/completions", self.base_url))
            .json(&self.body(&request));
        if let Some(key) = &self.api_key {
            http = http.bearer_auth(key);
        }
        let state = StreamState {
            phase: Phase::Connecting(Box::pin(http.send())),
            parser: ChatCompletionsParser::new(),
            ready: VecDeque::new(),
            provider: self.id.clone(),
            api_key: self.api_key.clone(),
        };
        Box::pin(stream::unfold(state, next_event))
    }
}

/// Produces the adapter's next event.
async fn next_event(mut state: StreamState) -> Option<(ProviderEvent, StreamState)> {
    loop {
        if let Some(event) = state.ready.pop_front() {
            if matches!(event, ProviderEvent::Error(_)) {
                state.phase = Phase::Ended;
                state.ready.clear();
            }
            return Some((event, state));
        }
        match std::mem::replace(&mut state.phase, Phase::Ended) {
            Phase::Ended => return None,
            Phase::Connecting(pending) => match pending.await {
                Ok(response) if response.status().is_success() => {
                    state.phase = Phase::Streaming(Box::pin(response.bytes_stream()));
                }
                Ok(response) => {
                    let error =
                        http_error(response, &state.provider, state.api_key.as_deref()).await;
                    state.ready.push_back(ProviderEvent::Error(error));
                }
                Err(error) => {
                    state
                        .ready
                        .push_back(ProviderEvent::Error(network_error(&error, &state.provider)));
                }
            },
            Phase::Streaming(mut body) => match body.next().await {
                Some(Ok(bytes)) => {
                    state.ready.extend(state.parser.push_bytes(&bytes));
                    if !state.parser.is_done() {
                        state.phase = Phase::Streaming(body);
                    }
                }
                Some(Err(_)) => {
                    state.ready.push_back(ProviderEvent::Error(ProviderError {
                        kind: ProviderErrorKind::Network,
                        message: format!(
                            "The connection to {} was lost mid-answer.",
                            state.provider
                        ),
                    }));
                }
                None => state.ready.extend(state.parser.finish()),
            },
        }
    }
}

/// A user-safe error for a failed connection.
fn network_error(error: &reqwest::Error, provider: &str) -> ProviderError {
    let kind = if error.is_timeout() {
        ProviderErrorKind::Timeout
    } else {
        ProviderErrorKind::Network
    };
    ProviderError {
        kind,
        message: format!("Could not reach {provider}: the connection failed."),
    }
}

/// Reads a failed response's body (capped) and maps it to a user-safe error.
async fn http_error(
    mut response: reqwest::Response,
    provider: &str,
    key: Option<&str>,
) -> ProviderError {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_ERROR_BODY {
            body.clear();
            break;
        }
    }
    openai_chat::http_error(provider, status, &body, retry_after, key)
}
