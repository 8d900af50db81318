//! The catalog of providers and their models, built once at start-up from [`Config`]. It
//! answers "which models are there" for the picker, "who serves model X" for a turn and
//! "does model X take images" before files are sent ([`Catalog::takes_images`]).

use crate::events::ModelInfo;
use crate::providers::anthropic::http::AnthropicProvider;
use crate::providers::demo::{DemoProvider, DemoSettings};
use crate::providers::gemini::http::GeminiProvider;
use crate::providers::ollama::http::{self as ollama, OllamaProvider};
use crate::providers::openai::chat_http::OpenAiProvider;
use crate::providers::openai::responses_http::OpenAiResponsesProvider;
use crate::providers::{ModelDiscovery, Provider};
use crate::server::config::{Config, ProviderConfig, ProviderKind};
use std::sync::Arc;
use std::time::Duration;

/// How long start-up waits for a provider to list its models.
const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long start-up waits for a local Ollama to answer.
const OLLAMA_PROBE_TIMEOUT: Duration = Duration::from_millis(700);

/// Providers in picker order.
#[derive(Clone)]
pub struct Catalog {
    /// Configured providers; real ones first, the demo last.
    providers: Vec<Arc<dyn Provider>>,
}

/// Finishes a provider: asks its server for models when none are configured (a failure is
/// logged, not fatal: the provider is then offered with no models), then which of them take
/// images where the API says so (Ollama; a failure is logged once, those models stay as
/// configured, i.e. without vision unless `vision_models` names them).
async fn ready<P: Provider + ModelDiscovery + 'static>(
    mut provider: P,
    config: &ProviderConfig,
) -> Arc<dyn Provider> {
    if config.models.is_empty() {
        if let Err(error) = provider.discover_models(DISCOVERY_TIMEOUT).await {
            tracing::warn!(
                provider = %config.id,
                "could not list models ({error}); set `models` in sluice.toml or the *_MODELS variable"
            );
        }
    }
    if let Err(error) = provider.discover_vision(DISCOVERY_TIMEOUT).await {
        tracing::warn!(
            provider = %config.id,
            "could not ask which models take images ({error}); set `vision_models` in sluice.toml or the *_VISION_MODELS variable"
        );
    }
    Arc::new(provider)
}

/// Builds one configured provider.
async fn build_provider(
    config: &ProviderConfig,
    stall_timeout: std::time::Duration,
) -> Result<Arc<dyn Provider>, String> {
    let settings = config.provider_settings(stall_timeout);
    Ok(match config.kind {
        ProviderKind::Openai => ready(OpenAiProvider::new(settings)?, config).await,
        ProviderKind::OpenaiResponses => {
            ready(OpenAiResponsesProvider::new(settings)?, config).await
        }
        ProviderKind::Anthropic => ready(AnthropicProvider::new(settings)?, config).await,
        ProviderKind::Gemini => ready(GeminiProvider::new(settings)?, config).await,
        ProviderKind::Ollama => ready(OllamaProvider::new(settings)?, config).await,
    })
}

impl Catalog {
    /// Builds the providers; a local Ollama is added when detection is on, none is configured
    /// and one answers at the probe URL (default 127.0.0.1:11434).
    pub async fn build(config: &Config) -> Result<Self, String> {
        let mut providers: Vec<Arc<dyn Provider>> = Vec::new();
        for settings in &config.providers {
            providers.push(build_provider(settings, config.turns.upstream_stall).await?);
        }
        let has_ollama = config
            .providers
            .iter()
            .any(|p| p.kind == ProviderKind::Ollama);
        if let Some(base) = config.detect_ollama.as_deref().filter(|_| !has_ollama) {
            if let Some(models) = ollama::detect_local(base, OLLAMA_PROBE_TIMEOUT).await {
                tracing::info!(models = models.len(), "found a local Ollama at {base}");
                let local = ProviderConfig {
                    id: "ollama".to_string(),
                    kind: ProviderKind::Ollama,
                    base_url: base.to_string(),
                    api_key: None,
                    models,
                    vision_models: Vec::new(),
                    max_tokens: None,
                    temperature: None,
                };
                providers.push(build_provider(&local, config.turns.upstream_stall).await?);
            }
        }
        if config.demo.enabled {
            providers.push(Arc::new(DemoProvider::new(DemoSettings {
                ttft: config.demo.ttft,
                tokens_per_second: config.demo.tokens_per_second,
            })));
        }
        Ok(Self { providers })
    }

    /// A catalog made of given providers (tests).
    pub fn from_providers(providers: Vec<Arc<dyn Provider>>) -> Self {
        Self { providers }
    }

    /// Every model, in picker order.
    pub fn models(&self) -> Vec<ModelInfo> {
        self.providers.iter().flat_map(|p| p.models()).collect()
    }

    /// The model used when a request names none: the first real model, else the demo.
    pub fn default_model(&self) -> Option<String> {
        let models = self.models();
        models
            .iter()
            .find(|m| !m.is_demo)
            .or(models.first())
            .map(|m| m.id.clone())
    }

    /// The picker entry of model id `provider/model`, if the catalog has it.
    pub fn model_info(&self, model_id: &str) -> Option<ModelInfo> {
        let (provider_id, _) = model_id.split_once('/')?;
        let provider = self.providers.iter().find(|p| p.id() == provider_id)?;
        provider.models().into_iter().find(|m| m.id == model_id)
    }

    /// Whether model id `provider/model` takes images (false for an unknown model).
    pub fn takes_images(&self, model_id: &str) -> bool {
        self.model_info(model_id).is_some_and(|m| m.vision)
    }

    /// Finds the provider and provider-side model name for a model id `provider/model`.
    pub fn resolve(&self, model_id: &str) -> Option<(Arc<dyn Provider>, String)> {
        let (provider_id, model) = model_id.split_once('/')?;
        let provider = self.providers.iter().find(|p| p.id() == provider_id)?;
        provider
            .models()
            .iter()
            .any(|m| m.id == model_id)
            .then(|| (provider.clone(), model.to_string()))
    }
}
