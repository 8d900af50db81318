//! Google Gemini adapter over HTTP (the Gemini Developer API, `generativelanguage.googleapis.com`):
//! builds the `streamGenerateContent?alt=sse` request and lists models; [`stream_http`] and
//! [`GeminiStreamParser`] do the rest. The key travels in the `x-goog-api-key` header, never in
//! the URL, so it cannot leak through logged URLs. Attached images and PDFs go as `inlineData`
//! parts (base64, before the text part); text files are inlined in the text.

use crate::file_parts::{base64, text_with_inlined_files};
use crate::gemini::stream::GeminiStreamParser;
use crate::http_stream::{fetch_json, http_client, HttpAdapter};
use crate::input::{InputFileKind, InputMessage};
use crate::{ModelDiscovery, ProviderRequest, ProviderSettings, StreamParser};
use serde_json::{json, Value};
use sluice_wire::events::Role;
use std::time::Duration;

/// Base URL used when the settings leave it empty.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";
/// Header carrying the API key.
pub const API_KEY_HEADER: &str = "x-goog-api-key";
/// Most pages of the model list followed by [`GeminiProvider::discover_models`].
const MAX_MODEL_PAGES: usize = 20;
/// Models asked for per page of the model list (the API's maximum).
const MODEL_PAGE_SIZE: &str = "1000";

/// A configured Gemini endpoint. `base_url` is the host root (`/v1beta` is appended) or
/// already ends with an API version (`…/v1beta`, `…/v1`), which is then used as is.
pub struct GeminiProvider {
    /// Id, URL, key, models and defaults.
    settings: ProviderSettings,
    /// Shared connection pool.
    client: reqwest::Client,
}

impl GeminiProvider {
    /// Builds the provider.
    pub fn new(settings: ProviderSettings) -> Result<Self, String> {
        Ok(Self {
            settings,
            client: http_client()?,
        })
    }

    /// The streaming request for one answer: `POST {root}/models/{model}:streamGenerateContent?alt=sse`.
    pub fn stream_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        let url = format!(
            "{}/{}:streamGenerateContent",
            self.api_root(),
            model_path(&request.model)
        );
        self.with_key(self.client.post(url))
            .query(&[("alt", "sse")])
            .json(&self.body(request))
    }

    /// One page of the model list: `GET {root}/models?pageSize=1000[&pageToken=…]`.
    pub fn models_request(&self, page_token: Option<&str>) -> reqwest::RequestBuilder {
        let mut http = self
            .client
            .get(format!("{}/models", self.api_root()))
            .query(&[("pageSize", MODEL_PAGE_SIZE)]);
        if let Some(token) = page_token {
            http = http.query(&[("pageToken", token)]);
        }
        self.with_key(http)
    }

    /// Adds the API key header, when a key is configured.
    fn with_key(&self, http: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.settings.api_key {
            Some(key) => http.header(API_KEY_HEADER, key),
            None => http,
        }
    }

    /// The versioned API root, e.g. `https://generativelanguage.googleapis.com/v1beta`.
    fn api_root(&self) -> String {
        let base = match self.settings.base() {
            "" => DEFAULT_BASE_URL,
            base => base,
        };
        if base.ends_with("/v1beta") || base.ends_with("/v1") {
            base.to_string()
        } else {
            format!("{base}/v1beta")
        }
    }

    /// The JSON request body: user/assistant turns as `contents` (roles `user` / `model`),
    /// system messages as `systemInstruction`, and the configured limits as `generationConfig`.
    fn body(&self, request: &ProviderRequest) -> Value {
        let mut contents = Vec::new();
        let mut system_parts = Vec::new();
        for message in &request.messages {
            let part = json!({ "text": message.content });
            match message.role {
                Role::System => system_parts.push(part),
                Role::User => {
                    contents.push(json!({ "role": "user", "parts": user_parts(message) }))
                }
                Role::Assistant => contents.push(json!({ "role": "model", "parts": [part] })),
            }
        }
        let mut body = json!({ "contents": contents });
        if !system_parts.is_empty() {
            body["systemInstruction"] = json!({ "parts": system_parts });
        }
        let mut config = serde_json::Map::new();
        if let Some(max_tokens) = self.settings.max_tokens {
            config.insert("maxOutputTokens".to_string(), json!(max_tokens));
        }
        if let Some(temperature) = self.settings.temperature {
            config.insert("temperature".to_string(), json!(temperature));
        }
        if !config.is_empty() {
            body["generationConfig"] = Value::Object(config);
        }
        body
    }
}

/// A user message's parts: an `inlineData` part (`mimeType`, base64 `data`) per image and
/// PDF, then the text part (text files inlined; left out when empty and files were sent).
/// The camelCase field names match the rest of the body (the API takes both spellings).
fn user_parts(message: &InputMessage) -> Vec<Value> {
    let mut parts: Vec<Value> = message
        .files
        .iter()
        .filter(|file| matches!(file.kind, InputFileKind::Image | InputFileKind::Pdf { .. }))
        .map(|file| {
            json!({ "inlineData": { "mimeType": file.media_type, "data": base64(&file.data) } })
        })
        .collect();
    let text = text_with_inlined_files(message, false);
    if !text.is_empty() || parts.is_empty() {
        parts.push(json!({ "text": text }));
    }
    parts
}

/// The resource path of a model: `models/{name}` for a bare name, the name itself when it
/// already names a collection (`models/…`, `tunedModels/…`). Characters outside the URL-safe
/// set are percent-encoded so a name cannot alter the URL.
fn model_path(model: &str) -> String {
    let path = if model.contains('/') {
        model.to_string()
    } else {
        format!("models/{model}")
    };
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Names (without `models/`) of the listed models that support `generateContent`.
fn generative_model_names(page: &Value) -> Vec<String> {
    let Some(models) = page["models"].as_array() else {
        return Vec::new();
    };
    models
        .iter()
        .filter(|model| {
            model["supportedGenerationMethods"]
                .as_array()
                .is_some_and(|methods| methods.iter().any(|m| m == "generateContent"))
        })
        .filter_map(|model| model["name"].as_str())
        .map(|name| name.strip_prefix("models/").unwrap_or(name).to_string())
        .collect()
}

impl ModelDiscovery for GeminiProvider {
    /// Asks Gemini which models can generate content (`GET /v1beta/models`, following pages),
    /// for providers configured without a model list. Errors are returned as text for the
    /// start-up log.
    async fn discover_models(&mut self, timeout: Duration) -> Result<(), String> {
        let mut names = Vec::new();
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_MODEL_PAGES {
            let request = self.models_request(page_token.as_deref()).timeout(timeout);
            let page = fetch_json(request).await?;
            names.extend(generative_model_names(&page));
            page_token = page["nextPageToken"]
                .as_str()
                .filter(|token| !token.is_empty())
                .map(str::to_string);
            if page_token.is_none() {
                break;
            }
        }
        names.sort();
        names.dedup();
        self.settings.models = names;
        Ok(())
    }
}

impl HttpAdapter for GeminiProvider {
    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn build_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        self.stream_request(request)
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(GeminiStreamParser::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_list_keeps_generative_models_without_prefix() {
        let page = json!({"models": [
            {"name": "models/gemini-2.5-flash", "supportedGenerationMethods": ["generateContent", "countTokens"]},
            {"name": "models/text-embedding-004", "supportedGenerationMethods": ["embedContent"]},
            {"name": "models/no-methods"},
        ]});
        assert_eq!(generative_model_names(&page), vec!["gemini-2.5-flash"]);
        assert!(generative_model_names(&json!({})).is_empty());
    }

    #[test]
    fn model_paths_are_prefixed_and_url_safe() {
        assert_eq!(model_path("gemini-2.0-flash"), "models/gemini-2.0-flash");
        assert_eq!(model_path("tunedModels/mine"), "tunedModels/mine");
        assert_eq!(model_path("a?b#c d"), "models/a%3Fb%23c%20d");
    }
}
