//! OpenAI Chat Completions adapter over HTTP, for OpenAI and every compatible server
//! (Ollama's `/v1`, llama.cpp, vLLM, LM Studio, OpenRouter, DeepSeek, Groq): builds the
//! request; [`stream_http`] and [`ChatCompletionsParser`] do the rest.

use crate::http_stream::{fetch_json, http_client, sorted_names, HttpAdapter};
use crate::openai::chat::ChatCompletionsParser;
use crate::{
    role_content_messages, ModelDiscovery, ProviderRequest, ProviderSettings, StreamParser,
};
use serde_json::{json, Value};
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
        let messages = role_content_messages(&request.messages);
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
