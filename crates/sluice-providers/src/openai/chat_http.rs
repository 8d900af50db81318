//! OpenAI Chat Completions adapter over HTTP, for OpenAI and every compatible server
//! (Ollama's `/v1`, llama.cpp, vLLM, LM Studio, OpenRouter, DeepSeek, Groq): builds the
//! request (attached images as `image_url` data URLs, PDFs as `file` parts, text files
//! inlined); [`stream_http`] and [`ChatCompletionsParser`] do the rest.

use crate::file_parts::{data_url, has_binary_parts, text_with_inlined_files};
use crate::http_stream::{fetch_json, http_client, sorted_names, HttpAdapter};
use crate::input::{InputFileKind, InputMessage};
use crate::openai::chat::ChatCompletionsParser;
use crate::{role_name, ModelDiscovery, ProviderRequest, ProviderSettings, StreamParser};
use serde_json::{json, Value};
use sluice_wire::events::Role;
use std::time::Duration;

/// A configured OpenAI-compatible endpoint (`base_url` ends before `/chat/completions`).
pub struct OpenAiProvider {
    /// Id, URL, key, models and defaults.
    settings: ProviderSettings,
    /// Shared connection pool.
    client: reqwest::Client,
}

impl OpenAiProvider {
    /// Builds the provider.
    pub fn new(settings: ProviderSettings) -> Result<Self, String> {
        Ok(Self {
            settings,
            client: http_client()?,
        })
    }

    /// The JSON request body.
    fn body(&self, request: &ProviderRequest) -> Value {
        let messages: Vec<Value> = request.messages.iter().map(chat_message).collect();
        let mut body = json!({
            "model": request.model,
            "messages": messages,
            "stream": true,
            "stream_options": { "include_usage": true },
        });
        if let Some(max_tokens) = self.settings.max_tokens {
            body["max_tokens"] = json!(max_tokens);
        }
        if let Some(temperature) = self.settings.temperature {
            body["temperature"] = json!(temperature);
        }
        body
    }
}

/// One message: `content` is a string unless a user message carries images or PDFs, which
/// make it a parts list — the text first (text files inlined), then an `image_url` part (data
/// URL) per image and a `file` part (`filename`, `file_data` data URL) per PDF.
fn chat_message(message: &InputMessage) -> Value {
    let role = role_name(message.role);
    let text = text_with_inlined_files(message, false);
    if message.role != Role::User || !has_binary_parts(message, true) {
        return json!({ "role": role, "content": text });
    }
    let mut parts = Vec::new();
    if !text.is_empty() {
        parts.push(json!({ "type": "text", "text": text }));
    }
    for file in &message.files {
        match file.kind {
            InputFileKind::Image => parts.push(json!({
                "type": "image_url",
                "image_url": { "url": data_url(file) },
            })),
            InputFileKind::Pdf { .. } => parts.push(json!({
                "type": "file",
                "file": { "filename": file.name, "file_data": data_url(file) },
            })),
            InputFileKind::Text { .. } => {}
        }
    }
    json!({ "role": role, "content": parts })
}

impl ModelDiscovery for OpenAiProvider {
    /// `GET /models` (the OpenAI list shape).
    async fn discover_models(&mut self, timeout: Duration) -> Result<(), String> {
        self.settings.models = list_openai_models(&self.client, &self.settings, timeout).await?;
        Ok(())
    }
}

/// Lists the models of an OpenAI-style API (`GET {base}/models`, `data[].id`), sorted; shared by
/// the Chat Completions and Responses adapters.
pub async fn list_openai_models(
    client: &reqwest::Client,
    settings: &ProviderSettings,
    timeout: Duration,
) -> Result<Vec<String>, String> {
    let mut request = client
        .get(format!("{}/models", settings.base()))
        .timeout(timeout);
    if let Some(key) = &settings.api_key {
        request = request.bearer_auth(key);
    }
    let body = fetch_json(request).await?;
    Ok(sorted_names(&body, "data", "id"))
}

impl HttpAdapter for OpenAiProvider {
    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn build_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        let mut http = self
            .client
            .post(format!("{}/chat/completions", self.settings.base()))
            .json(&self.body(request));
        if let Some(key) = &self.settings.api_key {
            http = http.bearer_auth(key);
        }
        http
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(ChatCompletionsParser::new())
    }
}
