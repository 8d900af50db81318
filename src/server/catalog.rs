//! The catalog of providers and their models, built once at start-up from [`Config`]. It
//! answers "which models are there" for the picker and "who serves model X" for a turn.

use crate::events::ModelInfo;
use crate::providers::demo::{DemoProvider, DemoSettings};
use crate::providers::openai::OpenAiProvider;
use crate::providers::Provider;
use crate::server::config::{Config, ProviderKind};
use std::sync::Arc;
use std::time::Duration;

/// Providers in picker order.
#[derive(Clone)]
pub struct Catalog {
    /// Configured providers; real ones first, the demo last.
    providers: Vec<Arc<dyn Provider>>,
}

impl Catalog {
    /// Builds the providers; OpenAI-compatible ones configured without models ask their server
    /// (`GET /models`, a few seconds at most) and log what failed.
    pub async fn build(config: &Config) -> Result<Self, String> {
        let mut providers: Vec<Arc<dyn Provider>> = Vec::new();
        for settings in &config.providers {
            match settings.kind {
                ProviderKind::Openai => {
                    let mut provider = OpenAiProvider::new(settings.provider_settings())?;
                    if settings.models.is_empty() {
                        match provider.discover_models(Duration::from_secs(5)).await {
                            Ok(()) => {}
                            Err(error) => tracing::warn!(
                                provider = %settings.id,
                                "could not list models ({error}); set `models` in sluice.toml or OPENAI_MODELS"
                            ),
                        }
                    }
                    providers.push(Arc::new(provider));
                }
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
