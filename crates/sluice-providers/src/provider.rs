//! The [`Provider`] trait: one implementation per upstream API, chosen by configuration.

use crate::input::InputMessage;
use crate::ProviderEvent;
use futures::Stream;
use sluice_wire::events::ModelInfo;
use std::pin::Pin;

/// A stream of normalized events for one answer. Dropping it must close the upstream request
/// at once: that is how Stop and a vanished browser stop the model.
pub type ProviderStream = Pin<Box<dyn Stream<Item = ProviderEvent> + Send>>;

/// What a provider needs to generate one answer.
#[derive(Clone, Debug)]
pub struct ProviderRequest {
    /// The provider's own model name (without the `provider/` prefix).
    pub model: String,
    /// The conversation so far, ending with the user's message, with the files sent.
    pub messages: Vec<InputMessage>,
}

/// An upstream that turns a conversation into a stream of answer events.
pub trait Provider: Send + Sync {
    /// Short id used as the prefix of model ids (`openai`, `demo`, …).
    fn id(&self) -> &str;

    /// The models this provider offers, for the picker.
    fn models(&self) -> Vec<ModelInfo>;

    /// Starts generating. Connection errors and HTTP errors arrive as
    /// [`ProviderEvent::Error`] items so that the caller has one path for every failure.
    fn stream(&self, request: ProviderRequest) -> ProviderStream;
}

/// What every HTTP adapter is configured with (from `sluice.toml` or env vars).
#[derive(Clone)]
pub struct ProviderSettings {
    /// Id used in model ids and shown as the picker group.
    pub id: String,
    /// Name used in messages to people ("Invalid API key for Anthropic").
    pub display_name: String,
    /// API base URL (each adapter documents what it appends).
    pub base_url: String,
    /// Secret for the provider; never leaves the server.
    pub api_key: Option<String>,
    /// Model names offered in the picker (empty: ask the server, where the API can list them).
    pub models: Vec<String>,
    /// Model names that take images (`*`: all of them), from the configuration or, for
    /// Ollama, from the server's own capabilities: the picker marks them and the server
    /// refuses to send images to the others.
    pub vision_models: Vec<String>,
    /// Default output token limit, when configured.
    pub max_tokens: Option<u32>,
    /// Default sampling temperature, when configured.
    pub temperature: Option<f32>,
    /// A stream that sends no byte for this long is ended with an error (a stalled upstream
    /// must not hold a turn open forever).
    pub stall_timeout: std::time::Duration,
}

impl ProviderSettings {
    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// Picker entries for `models`.
    pub fn model_infos(&self) -> Vec<ModelInfo> {
        self.models
            .iter()
            .map(|name| ModelInfo {
                id: format!("{}/{}", self.id, name),
                label: name.clone(),
                provider: self.id.clone(),
                is_demo: false,
                vision: self.takes_images(name),
            })
            .collect()
    }

    /// Whether the model `name` (without the provider prefix) takes images.
    pub fn takes_images(&self, name: &str) -> bool {
        self.vision_models.iter().any(|v| v == name || v == "*")
    }
}

/// Providers whose API can list its models, asked at start-up when none are configured.
pub trait ModelDiscovery {
    /// Replaces the configured model list with the server's; errors are text for the log.
    fn discover_models(
        &mut self,
        timeout: std::time::Duration,
    ) -> impl std::future::Future<Output = Result<(), String>>;

    /// Asks the server which of its models take images, where the API says so (Ollama's
    /// `/api/show`), adding them to the configured `vision_models`; run at start-up after the
    /// model list is known. Errors are text for the log (the models then stay as configured).
    fn discover_vision(
        &mut self,
        _timeout: std::time::Duration,
    ) -> impl std::future::Future<Output = Result<(), String>> {
        async { Ok(()) }
    }
}

/// The role names the OpenAI-style and Ollama APIs share.
pub fn role_name(role: sluice_wire::events::Role) -> &'static str {
    match role {
        sluice_wire::events::Role::System => "system",
        sluice_wire::events::Role::User => "user",
        sluice_wire::events::Role::Assistant => "assistant",
    }
}
