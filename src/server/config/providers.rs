//! `[[providers]]` and `[autodetect]` of the configuration: the upstream providers in picker
//! order (the file's, then those the conventional variables `OPENAI_API_KEY`/`OPENAI_BASE_URL`/
//! `OPENAI_MODELS`, `ANTHROPIC_API_KEY`/`ANTHROPIC_BASE_URL`/`ANTHROPIC_MODELS`,
//! `GEMINI_API_KEY`/`GEMINI_BASE_URL`/`GEMINI_MODELS`, `OLLAMA_HOST`/`OLLAMA_MODELS` describe,
//! each with its `*_VISION_MODELS` list of the models that take images),
//! and where to look for a local Ollama (`SLUICE_DETECT_OLLAMA`). A file provider whose
//! `api_key_env` variable is unset is skipped with a warning, so a shared `sluice.toml` starts
//! on a machine that has only some of the keys. API keys stay here and in the provider
//! adapters: nothing that is sent to a browser is built from these structs.

use super::source::{Decimal, Setting, Sources, Whole};
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

/// The kinds of upstream API this build can talk to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// OpenAI Chat Completions and compatible servers.
    Openai,
    /// OpenAI Responses API.
    OpenaiResponses,
    /// Anthropic Messages API.
    Anthropic,
    /// Google Gemini API.
    Gemini,
    /// Ollama's native API.
    Ollama,
}

impl ProviderKind {
    /// The public API's base URL, used when a config names none.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::Openai | Self::OpenaiResponses => "https://api.openai.com/v1",
            Self::Anthropic => "https://api.anthropic.com",
            Self::Gemini => "https://generativelanguage.googleapis.com",
            Self::Ollama => "http://127.0.0.1:11434",
        }
    }
}

/// One configured upstream.
#[derive(Clone)]
pub struct ProviderConfig {
    /// Id used as the model-id prefix and picker group.
    pub id: String,
    /// Which adapter to use.
    pub kind: ProviderKind,
    /// API base URL.
    pub base_url: String,
    /// The resolved secret (from the env var the file names); never logged or sent to a browser.
    pub api_key: Option<String>,
    /// Models to offer; empty means "ask the server at start-up".
    pub models: Vec<String>,
    /// Models that take images (`*`: all), so the picker marks them and images go only to
    /// them; Ollama adds those whose `/api/show` lists `vision`.
    pub vision_models: Vec<String>,
    /// Default `max_tokens`.
    pub max_tokens: Option<u32>,
    /// Default temperature.
    pub temperature: Option<f32>,
}

impl ProviderConfig {
    /// How messages name this provider: the well-known name for the conventional ids, else the id.
    pub fn display_name(&self) -> String {
        match self.id.as_str() {
            "openai" => "OpenAI".to_string(),
            "anthropic" => "Anthropic".to_string(),
            "gemini" => "Gemini".to_string(),
            "ollama" => "Ollama".to_string(),
            other => other.to_string(),
        }
    }

    /// The settings handed to the provider's adapter; `stall_timeout` ends a stream that sends
    /// nothing for that long.
    pub fn provider_settings(&self, stall_timeout: Duration) -> crate::providers::ProviderSettings {
        crate::providers::ProviderSettings {
            id: self.id.clone(),
            display_name: self.display_name(),
            base_url: self.base_url.clone(),
            api_key: self.api_key.clone(),
            models: self.models.clone(),
            vision_models: self.vision_models.clone(),
            max_tokens: self.max_tokens,
            temperature: self.temperature,
            stall_timeout,
        }
    }
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("models", &self.models)
            .field("vision_models", &self.vision_models)
            .finish()
    }
}

/// `[autodetect]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileAutodetect {
    /// Look for a local Ollama when none is configured (default true).
    ollama: Option<bool>,
    /// Where to look (default `http://127.0.0.1:11434`).
    ollama_url: Option<String>,
}

/// `[[providers]]` in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileProvider {
    /// Provider id.
    id: String,
    /// Adapter kind.
    kind: ProviderKind,
    /// API base URL (default: the kind's public API).
    base_url: Option<String>,
    /// Name of the env var holding the key (keys are never written in the file).
    api_key_env: Option<String>,
    /// Models to offer.
    #[serde(default)]
    models: Vec<String>,
    /// Models that take images (`["*"]`: all of them).
    vision_models: Option<Spanned<Vec<String>>>,
    /// Default max tokens.
    max_tokens: Option<Spanned<i64>>,
    /// Default temperature.
    temperature: Option<Spanned<f64>>,
}

/// A provider's default `max_tokens`: 0 would ask for an empty answer.
const MAX_TOKENS: Whole = Whole::range(1, 10_000_000, "tokens");

/// A provider's default temperature, the widest range the APIs accept.
const TEMPERATURE: Decimal = Decimal::range(0.0, 2.0, "");

/// The resolved providers and where to look for Ollama.
pub(super) struct Providers {
    /// Real upstream providers, in picker order.
    pub providers: Vec<ProviderConfig>,
    /// Where to look for a local Ollama at start-up (`None`: don't).
    pub detect_ollama: Option<String>,
    /// Sentences about providers left out (their key variable is unset), logged at start-up.
    pub skipped: Vec<String>,
}

impl Providers {
    /// Resolves the file's providers, then the conventional variables, then auto-detection.
    pub(super) fn resolve(
        file: Vec<FileProvider>,
        autodetect: FileAutodetect,
        sources: &Sources,
    ) -> Result<Self, String> {
        let mut providers: Vec<ProviderConfig> = Vec::new();
        let mut skipped = Vec::new();
        let mut seen = Vec::new();
        for p in file {
            if seen.contains(&p.id) {
                return Err(format!(
                    "provider id {:?} appears twice in the config file",
                    p.id
                ));
            }
            seen.push(p.id.clone());
            let max_tokens = match &p.max_tokens {
                Some(value) => Some(sources.whole_u32(
                    Setting::file_only("[[providers]]", "max_tokens"),
                    Some(value),
                    MAX_TOKENS,
                    0,
                )?),
                None => None,
            };
            let temperature = match &p.temperature {
                Some(value) => Some(sources.decimal(
                    Setting::file_only("[[providers]]", "temperature"),
                    Some(value),
                    TEMPERATURE,
                    0.0,
                )? as f32),
                None => None,
            };
            let api_key = match &p.api_key_env {
                Some(var) => match sources.var(var) {
                    Some(key) => Some(key.to_string()),
                    None => {
                        skipped.push(format!(
                            "provider {:?} is skipped: its key variable {var} (api_key_env) is \
                             not set",
                            p.id
                        ));
                        continue;
                    }
                },
                None => None,
            };
            let vision_models = match &p.vision_models {
                Some(list) => checked_vision_models(
                    list.get_ref().clone(),
                    &p.models,
                    &sources.in_file(
                        Setting::file_only("[[providers]]", "vision_models"),
                        list.span().start,
                    ),
                )?,
                None => Vec::new(),
            };
            providers.push(ProviderConfig {
                base_url: p
                    .base_url
                    .unwrap_or_else(|| p.kind.default_base_url().to_string()),
                id: p.id,
                kind: p.kind,
                api_key,
                models: p.models,
                vision_models,
                max_tokens,
                temperature,
            });
        }
        for conventional in &CONVENTIONAL {
            if !seen.iter().any(|id| id == conventional.id) {
                add_from_env(&mut providers, conventional, sources)?;
            }
        }
        let detect = sources.flag(
            Setting {
                var: Some("SLUICE_DETECT_OLLAMA"),
                table: "[autodetect]",
                key: "ollama",
            },
            autodetect.ollama,
            true,
        )?;
        let detect_ollama = detect.then(|| {
            autodetect
                .ollama_url
                .unwrap_or_else(|| ProviderKind::Ollama.default_base_url().to_string())
        });
        Ok(Self {
            providers,
            detect_ollama,
            skipped,
        })
    }
}

/// A provider that conventional environment variables can configure.
struct Conventional {
    /// Provider id (and model-id prefix).
    id: &'static str,
    /// Adapter kind.
    kind: ProviderKind,
    /// Variable holding the key (None: the API needs no key).
    key_var: Option<&'static str>,
    /// Variable holding the base URL (or host, for Ollama).
    base_var: &'static str,
    /// Variable holding a comma-separated model list.
    models_var: &'static str,
    /// Variable holding the comma-separated models that take images.
    vision_var: &'static str,
}

/// The conventional variables, in picker order.
const CONVENTIONAL: [Conventional; 4] = [
    Conventional {
        id: "openai",
        kind: ProviderKind::Openai,
        key_var: Some("OPENAI_API_KEY"),
        base_var: "OPENAI_BASE_URL",
        models_var: "OPENAI_MODELS",
        vision_var: "OPENAI_VISION_MODELS",
    },
    Conventional {
        id: "anthropic",
        kind: ProviderKind::Anthropic,
        key_var: Some("ANTHROPIC_API_KEY"),
        base_var: "ANTHROPIC_BASE_URL",
        models_var: "ANTHROPIC_MODELS",
        vision_var: "ANTHROPIC_VISION_MODELS",
    },
    Conventional {
        id: "gemini",
        kind: ProviderKind::Gemini,
        key_var: Some("GEMINI_API_KEY"),
        base_var: "GEMINI_BASE_URL",
        models_var: "GEMINI_MODELS",
        vision_var: "GEMINI_VISION_MODELS",
    },
    Conventional {
        id: "ollama",
        kind: ProviderKind::Ollama,
        key_var: None,
        base_var: "OLLAMA_HOST",
        models_var: "OLLAMA_MODELS",
        vision_var: "OLLAMA_VISION_MODELS",
    },
];

/// A comma-separated list from a variable, blanks dropped (`a, b ,` is `a`, `b`).
fn comma_list(value: Option<&str>) -> Vec<String> {
    value
        .map(|m| {
            m.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A `vision_models` list as written at `origin`, refused when a name is blank or (with a
/// `models` list configured) not one of `models`; `*` stands for every model.
fn checked_vision_models(
    names: Vec<String>,
    models: &[String],
    origin: &str,
) -> Result<Vec<String>, String> {
    for name in &names {
        if name.trim().is_empty() {
            return Err(format!(
                "{origin} has a blank model name; list the model names that take images, or \"*\" for all"
            ));
        }
        if name != "*" && !models.is_empty() && !models.contains(name) {
            return Err(format!(
                "{origin} names {name:?}, which is not one of the provider's models ({})",
                models.join(", ")
            ));
        }
    }
    Ok(names)
}

/// Adds the provider that `conventional`'s variables describe, unless the file already has
/// that id or none of its variables is set; a bad vision list is refused.
fn add_from_env(
    providers: &mut Vec<ProviderConfig>,
    conventional: &Conventional,
    sources: &Sources,
) -> Result<(), String> {
    let get = |name: &str| sources.var(name);
    let key = conventional.key_var.and_then(get);
    let base = get(conventional.base_var);
    if (key.is_none() && base.is_none()) || providers.iter().any(|p| p.id == conventional.id) {
        return Ok(());
    }
    let base_url = match (conventional.kind, base) {
        (ProviderKind::Ollama, Some(host)) => {
            crate::providers::ollama::http::base_from_ollama_host(host)
        }
        (_, Some(base)) => base.to_string(),
        (kind, None) => kind.default_base_url().to_string(),
    };
    let models = comma_list(get(conventional.models_var));
    providers.push(ProviderConfig {
        id: conventional.id.to_string(),
        kind: conventional.kind,
        base_url,
        api_key: key.map(str::to_string),
        vision_models: checked_vision_models(
            comma_list(get(conventional.vision_var)),
            &models,
            conventional.vision_var,
        )?,
        models,
        max_tokens: None,
        temperature: None,
    });
    Ok(())
}
