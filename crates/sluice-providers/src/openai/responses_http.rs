//! OpenAI Responses API adapter over HTTP (`POST {base}/responses`, `stream: true`): builds the
//! request; [`stream_http`] and [`ResponsesParser`] do the rest. System messages become the
//! `instructions` string; the other turns go to `input` as `{role, content}` messages (a user
//! message with images or PDFs as `input_text` / `input_image` / `input_file` parts).

use crate::file_parts::{data_url, has_binary_parts, text_with_inlined_files};
use crate::http_stream::{http_client, HttpAdapter};
use crate::input::{InputFileKind, InputMessage};
use crate::openai::chat_http::list_openai_models;
use crate::openai::responses::ResponsesParser;
use crate::{ModelDiscovery, ProviderRequest, ProviderSettings, StreamParser};
use serde_json::{json, Value};
use sluice_wire::events::Role;
use std::time::Duration;

/// A configured Responses API endpoint (`base_url` ends before `/responses`, e.g.
/// `https://api.openai.com/v1`).
pub struct OpenAiResponsesProvider {
    /// Id, URL, key, models and defaults.
    settings: ProviderSettings,
    /// Shared connection pool.
    client: reqwest::Client,
}

impl OpenAiResponsesProvider {
    /// Builds the provider.
    pub fn new(settings: ProviderSettings) -> Result<Self, String> {
        Ok(Self {
            settings,
            client: http_client()?,
        })
    }

    /// The streaming request for one answer (URL, bearer key, JSON body), not yet sent.
    pub fn request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        let mut http = self
            .client
            .post(format!("{}/responses", self.settings.base()))
            .json(&self.body(request));
        if let Some(key) = &self.settings.api_key {
            http = http.bearer_auth(key);
        }
        http
    }

    /// The JSON request body: `model`, `input`, `instructions` (system messages joined by a
    /// blank line, omitted when there are none), `stream`, and the configured
    /// `max_output_tokens` / `temperature`.
    fn body(&self, request: &ProviderRequest) -> Value {
        let mut instructions = Vec::new();
        let mut input = Vec::new();
        for message in &request.messages {
            let role = match message.role {
                Role::System => {
                    instructions.push(message.content.as_str());
                    continue;
                }
                Role::User => {
                    input.push(user_input(message));
                    continue;
                }
                Role::Assistant => "assistant",
            };
            input.push(json!({ "role": role, "content": message.content }));
        }
        let mut body = json!({
            "model": request.model,
            "input": input,
            "stream": true,
        });
        if !instructions.is_empty() {
            body["instructions"] = json!(instructions.join("\n\n"));
        }
        if let Some(max_tokens) = self.settings.max_tokens {
            body["max_output_tokens"] = json!(max_tokens);
        }
        if let Some(temperature) = self.settings.temperature {
            body["temperature"] = json!(temperature);
        }
        body
    }
}

/// A user message: string `content` (text files inlined) unless it carries images or PDFs,
/// which make it a parts list — `input_text` first, then an `input_image` (data URL) per
/// image and an `input_file` (`filename`, `file_data` data URL) per PDF.
fn user_input(message: &InputMessage) -> Value {
    let text = text_with_inlined_files(message, false);
    if !has_binary_parts(message, true) {
        return json!({ "role": "user", "content": text });
    }
    let mut parts = Vec::new();
    if !text.is_empty() {
        parts.push(json!({ "type": "input_text", "text": text }));
    }
    for file in &message.files {
        match file.kind {
            InputFileKind::Image => parts.push(json!({
                "type": "input_image",
                "image_url": data_url(file),
            })),
            InputFileKind::Pdf { .. } => parts.push(json!({
                "type": "input_file",
                "filename": file.name,
                "file_data": data_url(file),
            })),
            InputFileKind::Text { .. } => {}
        }
    }
    json!({ "role": "user", "content": parts })
}

impl ModelDiscovery for OpenAiResponsesProvider {
    /// `GET /models`, as for Chat Completions.
    async fn discover_models(&mut self, timeout: Duration) -> Result<(), String> {
        self.settings.models = list_openai_models(&self.client, &self.settings, timeout).await?;
        Ok(())
    }
}

impl HttpAdapter for OpenAiResponsesProvider {
    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn build_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        OpenAiResponsesProvider::request(self, request)
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(ResponsesParser::new())
    }
}
