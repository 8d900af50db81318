//! Anthropic Messages API adapter over HTTP (`POST {base}/v1/messages`, `stream: true`):
//! builds the request with the key and version headers the API requires; [`stream_http`] and
//! [`AnthropicMessagesParser`] do the rest. `base_url` is the API root
//! ([`DEFAULT_BASE_URL`]), without `/v1`. Attached images go as `image` blocks and PDFs as
//! `document` blocks (base64 sources, before the text); text files are inlined in the text.

use crate::anthropic::messages::AnthropicMessagesParser;
use crate::file_parts::{base64, has_binary_parts, text_with_inlined_files};
use crate::http_stream::{fetch_json, http_client, sorted_names, HttpAdapter};
use crate::input::{InputFileKind, InputMessage};
use crate::{ModelDiscovery, ProviderRequest, ProviderSettings, StreamParser};
use serde_json::{json, Value};
use sluice_wire::events::Role;
use std::time::Duration;

/// Where the Messages API lives unless configured otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
/// The API version sent in `anthropic-version` (the stable Messages API version).
pub const API_VERSION: &str = "2023-06-01";
/// Output token limit sent when the settings have none: the API requires `max_tokens`.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// Models asked for in one `GET /v1/models` page (the API allows 1 to 1000).
const MODELS_PAGE_LIMIT: u32 = 1000;

/// A configured Anthropic endpoint.
pub struct AnthropicProvider {
    /// Id, URL, key, models and defaults.
    settings: ProviderSettings,
    /// Shared connection pool.
    client: reqwest::Client,
}

impl AnthropicProvider {
    /// Builds the provider.
    pub fn new(settings: ProviderSettings) -> Result<Self, String> {
        Ok(Self {
            settings,
            client: http_client()?,
        })
    }

    /// The streaming request for `request`: URL, headers and JSON body (public so tests can
    /// check its shape with `RequestBuilder::build` without a network).
    pub fn request_builder(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        let url = format!("{}/v1/messages", self.settings.base());
        self.with_headers(self.client.post(url))
            .json(&self.body(request))
    }

    /// Adds the key (`x-api-key`, when configured) and version headers.
    fn with_headers(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let builder = builder.header("anthropic-version", API_VERSION);
        match &self.settings.api_key {
            Some(key) => builder.header("x-api-key", key),
            None => builder,
        }
    }

    /// The JSON request body: non-blank system messages joined (blank line between) into
    /// `system`, omitted when there are none; the others as `user` / `assistant` messages.
    fn body(&self, request: &ProviderRequest) -> Value {
        let system: Vec<&str> = request
            .messages
            .iter()
            .filter(|m| m.role == Role::System && !m.content.trim().is_empty())
            .map(|m| m.content.as_str())
            .collect();
        let messages: Vec<Value> = request
            .messages
            .iter()
            .filter_map(|m| {
                let role = match m.role {
                    Role::System => return None,
                    Role::User => return Some(user_message(m)),
                    Role::Assistant => "assistant",
                };
                Some(json!({ "role": role, "content": m.content }))
            })
            .collect();
        let mut body = json!({
            "model": request.model,
            "max_tokens": self.settings.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            "messages": messages,
            "stream": true,
        });
        if !system.is_empty() {
            body["system"] = json!(system.join("\n\n"));
        }
        if let Some(temperature) = self.settings.temperature {
            body["temperature"] = json!(decimal(temperature));
        }
        body
    }
}

/// A user message: string `content` (text files inlined) unless it carries images or PDFs,
/// which make it a block list — an `image` block per image and a `document` block (titled
/// with the file name) per PDF, both base64 sources, then the `text` block (the API's advice:
/// files before the question; an empty text block would be refused, so none is sent).
fn user_message(message: &InputMessage) -> Value {
    let text = text_with_inlined_files(message, false);
    if !has_binary_parts(message, true) {
        return json!({ "role": "user", "content": text });
    }
    let mut blocks = Vec::new();
    for file in &message.files {
        let source = json!({
            "type": "base64",
            "media_type": file.media_type,
            "data": base64(&file.data),
        });
        match file.kind {
            InputFileKind::Image => blocks.push(json!({ "type": "image", "source": source })),
            InputFileKind::Pdf { .. } => blocks.push(json!({
                "type": "document",
                "source": source,
                "title": file.name,
            })),
            InputFileKind::Text { .. } => {}
        }
    }
    if !text.is_empty() {
        blocks.push(json!({ "type": "text", "text": text }));
    }
    json!({ "role": "user", "content": blocks })
}

impl ModelDiscovery for AnthropicProvider {
    /// Asks the API which models the key may use (`GET {base}/v1/models`, `data[].id`), for
    /// providers configured without a model list. One page of up to [`MODELS_PAGE_LIMIT`]
    /// (the API's maximum; its default page is 20). Errors are returned as text for the
    /// start-up log (never containing the key).
    async fn discover_models(&mut self, timeout: Duration) -> Result<(), String> {
        let url = format!(
            "{}/v1/models?limit={MODELS_PAGE_LIMIT}",
            self.settings.base()
        );
        let request = self.with_headers(self.client.get(url)).timeout(timeout);
        let body = fetch_json(request).await?;
        self.settings.models = sorted_names(&body, "data", "id");
        Ok(())
    }
}

impl HttpAdapter for AnthropicProvider {
    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn build_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        self.request_builder(request)
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(AnthropicMessagesParser::named(
            self.settings.display_name.clone(),
        ))
    }
}

/// `value` as the f64 with the same shortest decimal form, so 0.7 is sent as `0.7` rather than
/// `0.699999988079071` (the exact f32 widened).
fn decimal(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}
