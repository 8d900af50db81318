//! Ollama's native API adapter over HTTP: builds `POST {base}/api/chat` requests (NDJSON
//! answers, parsed by [`OllamaChatParser`]), lists models with `GET {base}/api/tags`, detects a
//! local Ollama at start-up ([`detect_local`]) and turns an `OLLAMA_HOST` value into a base URL
//! ([`base_from_ollama_host`]). Ollama needs no key; one is sent as a bearer token only when
//! configured (for authenticating proxies in front of it). Attached images go base64 in the
//! message's `images`; text files and PDFs' text are inlined in `content` (Ollama takes no
//! documents). Which models see images comes from `POST /api/show` (`capabilities`).

use crate::file_parts::{base64, text_with_inlined_files};
use crate::http_stream::{fetch_json, http_client, sorted_names, HttpAdapter};
use crate::input::{InputFileKind, InputMessage};
use crate::ollama::stream::OllamaChatParser;
use crate::{role_name, ModelDiscovery, ProviderRequest, ProviderSettings, StreamParser};
use serde_json::{json, Value};
use std::time::Duration;

/// Where a local Ollama listens by default.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:11434";

/// Port Ollama uses when `OLLAMA_HOST` names no scheme and no port.
const DEFAULT_PORT: u16 = 11434;

/// A configured Ollama server (`base_url` is the server root, e.g. `http://127.0.0.1:11434`;
/// empty means [`DEFAULT_BASE_URL`]).
pub struct OllamaProvider {
    /// Id, URL, optional key, models and defaults.
    settings: ProviderSettings,
    /// Shared connection pool.
    client: reqwest::Client,
}

impl OllamaProvider {
    /// Builds the provider.
    pub fn new(settings: ProviderSettings) -> Result<Self, String> {
        Ok(Self {
            settings,
            client: http_client()?,
        })
    }

    /// The streaming chat request for `request` (URL, optional bearer key, JSON body), ready to
    /// send; public so tests can inspect it without a network.
    pub fn chat_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        let http = self
            .client
            .post(format!("{}/api/chat", self.base()))
            .json(&self.body(request));
        match &self.settings.api_key {
            Some(key) => http.bearer_auth(key),
            None => http,
        }
    }

    /// The server root without a trailing slash.
    fn base(&self) -> &str {
        match self.settings.base() {
            "" => DEFAULT_BASE_URL,
            base => base,
        }
    }

    /// The JSON request body; `options` only carries what the settings set.
    fn body(&self, request: &ProviderRequest) -> Value {
        let messages: Vec<Value> = request.messages.iter().map(chat_message).collect();
        let mut body = json!({
            "model": request.model,
            "messages": messages,
            "stream": true,
        });
        let mut options = serde_json::Map::new();
        if let Some(max_tokens) = self.settings.max_tokens {
            options.insert("num_predict".into(), json!(max_tokens));
        }
        if let Some(temperature) = self.settings.temperature {
            // Via its shortest decimal form, so 0.7 is sent as 0.7, not 0.699999988079071.
            let exact = temperature.to_string().parse::<f64>();
            options.insert(
                "temperature".into(),
                json!(exact.unwrap_or(temperature.into())),
            );
        }
        if !options.is_empty() {
            body["options"] = Value::Object(options);
        }
        body
    }
}

/// One message: `content` with text files and PDFs' text inlined as fenced blocks, and, for
/// a user message with images, `images` (base64, no data-URL prefix) beside it.
fn chat_message(message: &InputMessage) -> Value {
    let mut value = json!({
        "role": role_name(message.role),
        "content": text_with_inlined_files(message, true),
    });
    let images: Vec<String> = message
        .files
        .iter()
        .filter(|file| file.kind == InputFileKind::Image)
        .map(|file| base64(&file.data))
        .collect();
    if !images.is_empty() {
        value["images"] = json!(images);
    }
    value
}

impl ModelDiscovery for OllamaProvider {
    /// Asks the server which models it has (`GET /api/tags`), sorted by name, for providers
    /// configured without a model list. Errors are returned as text for the start-up log.
    async fn discover_models(&mut self, timeout: Duration) -> Result<(), String> {
        let key = self.settings.api_key.as_deref();
        self.settings.models = list_models(&self.client, self.base(), key, timeout).await?;
        Ok(())
    }

    /// Asks `POST /api/show {"model": …}` for every model (at once, each within `timeout`);
    /// those whose `capabilities` list `vision` take images. Models that fail to answer stay
    /// as configured; the failures come back as one text for the log.
    async fn discover_vision(&mut self, timeout: Duration) -> Result<(), String> {
        let key = self.settings.api_key.as_deref();
        let asks = self
            .settings
            .models
            .iter()
            .map(|model| show_vision(&self.client, self.base(), key, model, timeout));
        let answers = futures::future::join_all(asks).await;
        let mut failures = Vec::new();
        let mut seeing = Vec::new();
        for (model, answer) in self.settings.models.iter().zip(answers) {
            match answer {
                Ok(true) => seeing.push(model.clone()),
                Ok(false) => {}
                Err(error) => failures.push(format!("{model}: {error}")),
            }
        }
        for model in seeing {
            if !self.settings.vision_models.contains(&model) {
                self.settings.vision_models.push(model);
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }
}

/// Whether `POST {base}/api/show` lists `vision` among the model's `capabilities`.
async fn show_vision(
    client: &reqwest::Client,
    base: &str,
    key: Option<&str>,
    model: &str,
    timeout: Duration,
) -> Result<bool, String> {
    let mut request = client
        .post(format!("{base}/api/show"))
        .json(&json!({ "model": model }))
        .timeout(timeout);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let body = fetch_json(request).await?;
    Ok(body["capabilities"]
        .as_array()
        .is_some_and(|list| list.iter().any(|c| c == "vision")))
}

impl HttpAdapter for OllamaProvider {
    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn build_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder {
        self.chat_request(request)
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(OllamaChatParser::new())
    }
}

/// Looks for an Ollama server at `base` (`GET /api/tags` within `timeout`) and returns its
/// model names, sorted (possibly none); `None` when nothing usable answers. Used at start-up
/// to offer a local Ollama without configuration.
pub async fn detect_local(base: &str, timeout: Duration) -> Option<Vec<String>> {
    let client = http_client().ok()?;
    list_models(&client, base.trim_end_matches('/'), None, timeout)
        .await
        .ok()
}

/// `GET {base}/api/tags` → `models[].name`, sorted.
async fn list_models(
    client: &reqwest::Client,
    base: &str,
    key: Option<&str>,
    timeout: Duration,
) -> Result<Vec<String>, String> {
    let mut request = client.get(format!("{base}/api/tags")).timeout(timeout);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let body = fetch_json(request).await?;
    if !body["models"].is_array() {
        return Err("the answer has no model list".to_string());
    }
    Ok(sorted_names(&body, "models", "name"))
}

/// Turns an `OLLAMA_HOST` value into a base URL, following Ollama's own reading of it: no
/// scheme means `http` on port 11434 (`127.0.0.1:11434`, `0.0.0.0`, `:11435`, `host`); an
/// explicit `http://` / `https://` without a port means that scheme's usual port (80 / 443,
/// as the Ollama CLI does, e.g. a TLS proxy at `https://h`); an invalid port falls back to
/// the default; a path is kept. The wildcard bind addresses `0.0.0.0` / `::` (and an empty
/// host) become loopback, since they name where the server listens, not where to connect.
pub fn base_from_ollama_host(value: &str) -> String {
    let value = value.trim();
    let (scheme, rest) = value.split_once("://").unwrap_or(("http", value));
    let default_port = match (value.contains("://"), scheme) {
        (true, "http") => 80,
        (true, "https") => 443,
        _ => DEFAULT_PORT,
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = split_host_port(authority);
    let host = match host.as_str() {
        "" | "0.0.0.0" => "127.0.0.1",
        "[::]" => "[::1]",
        other => other,
    };
    let port = port
        .and_then(|port| port.parse::<u16>().ok())
        .unwrap_or(default_port);
    let implied = matches!((scheme, port), ("http", 80) | ("https", 443));
    let port = if implied {
        String::new()
    } else {
        format!(":{port}")
    };
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() {
        String::new()
    } else {
        format!("/{path}")
    };
    format!("{scheme}://{host}{port}{path}")
}

/// Splits `host[:port]`, `[v6][:port]` or a bare IPv6 address; IPv6 hosts come back in
/// brackets so they can be put in a URL.
fn split_host_port(authority: &str) -> (String, Option<&str>) {
    if let Some(inner) = authority.strip_prefix('[') {
        return match inner.split_once(']') {
            Some((host, after)) => (format!("[{host}]"), after.strip_prefix(':')),
            None => (format!("[{inner}]"), None),
        };
    }
    match authority.matches(':').count() {
        0 => (authority.to_string(), None),
        1 => match authority.split_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        },
        _ => (format!("[{authority}]"), None),
    }
}

#[cfg(test)]
mod tests {
    use super::base_from_ollama_host as base;

    #[test]
    fn host_and_port_without_scheme_is_http() {
        assert_eq!(base("127.0.0.1:11434"), "http://127.0.0.1:11434");
        assert_eq!(base("  gpu-box:8080 "), "http://gpu-box:8080");
        assert_eq!(base("gpu-box"), "http://gpu-box:11434");
    }

    #[test]
    fn wildcard_and_empty_hosts_become_loopback() {
        assert_eq!(base("0.0.0.0"), "http://127.0.0.1:11434");
        assert_eq!(base("0.0.0.0:11435"), "http://127.0.0.1:11435");
        assert_eq!(base(":11435"), "http://127.0.0.1:11435");
        assert_eq!(base(""), "http://127.0.0.1:11434");
        assert_eq!(base("[::]:11434"), "http://[::1]:11434");
        assert_eq!(base("::"), "http://[::1]:11434");
    }

    #[test]
    fn explicit_scheme_keeps_its_port_or_its_default() {
        assert_eq!(base("http://host:1234"), "http://host:1234");
        assert_eq!(base("http://host"), "http://host");
        assert_eq!(base("https://h"), "https://h");
        assert_eq!(base("https://h:11434/"), "https://h:11434");
        assert_eq!(base("https://h/ollama/"), "https://h/ollama");
    }

    #[test]
    fn ipv6_and_bad_ports() {
        assert_eq!(base("[::1]:9000"), "http://[::1]:9000");
        assert_eq!(base("::1"), "http://[::1]:11434");
        assert_eq!(base("host:notaport"), "http://host:11434");
        assert_eq!(base("host:99999"), "http://host:11434");
        assert_eq!(base("https://h:"), "https://h");
    }
}
