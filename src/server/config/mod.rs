//! Configuration, read once at start-up into typed structs: an optional `sluice.toml` (path from
//! `--config`, else `SLUICE_CONFIG`, else `./sluice.toml` when present) plus environment
//! variables, which win over the file. One reader ([`source`]) looks every value up the same
//! way and refuses a bad one with a sentence naming its source (the variable, or the file, line
//! and key) and the accepted range; one file per section resolves it: [`server`] (with
//! [`connections`]), [`limits`], [`attachments`], [`storage`] (with `database_url` and `replica_id`), [`demo`], [`providers`], [`auth`], [`turns`],
//! [`cluster`], [`sharing`], [`metrics`], [`telemetry`].
//! A file that is not valid TOML, or has an unknown key, stops start-up with the file, line and
//! reason.

pub mod attachments;
pub mod auth;
pub mod cluster;
pub mod connections;
mod database_url;
pub mod demo;
pub mod limits;
pub mod metrics;
pub mod providers;
mod replica_id;
pub mod server;
pub mod sharing;
pub mod site;
mod source;
pub mod storage;
pub mod telemetry;
pub mod turns;

pub use attachments::AttachmentsConfig;
pub use auth::{check_bind, AuthConfig, CookieSecure};
pub use cluster::ClusterConfig;
pub use connections::ConnectionsConfig;
pub use demo::DemoConfig;
pub use limits::LimitsConfig;
pub use metrics::MetricsConfig;
pub use providers::{ProviderConfig, ProviderKind};
pub use server::{ServerConfig, DEFAULT_MAX_ANSWER_BYTES};
pub use sharing::SharingConfig;
pub use storage::{StorageConfig, DEFAULT_MAX_USER_STORAGE_BYTES};
pub use telemetry::{LogFormat, TelemetryConfig};
pub use turns::TurnsConfig;

use serde::Deserialize;
use source::Sources;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Everything the server needs to know, resolved.
#[derive(Clone, Debug)]
pub struct Config {
    /// HTTP-level limits and timings.
    pub server: ServerConfig,
    /// The offline demo model.
    pub demo: DemoConfig,
    /// Real upstream providers, in picker order.
    pub providers: Vec<ProviderConfig>,
    /// Where to look for a local Ollama at start-up when none is configured (`None`: don't).
    pub detect_ollama: Option<String>,
    /// Where conversations are stored.
    pub storage: StorageConfig,
    /// Who may use the site and how they are identified.
    pub auth: AuthConfig,
    /// Rate limits against abuse (a value of 0 turns that limit off).
    pub limits: LimitsConfig,
    /// Timings of live turns: grace period, shutdown deadline, upstream stall.
    pub turns: TurnsConfig,
    /// What replicas share (the Redis server of the per-minute limits), when configured.
    pub cluster: ClusterConfig,
    /// Who may open shared links.
    pub sharing: SharingConfig,
    /// What uploaded files may be (size, files per message, image side).
    pub attachments: AttachmentsConfig,
    /// Where Prometheus reads `/metrics` (nowhere unless configured).
    pub metrics: MetricsConfig,
    /// How the log is written.
    pub telemetry: TelemetryConfig,
    /// Sentences about settings left out rather than refused (a provider whose key variable
    /// is unset), for the operator: the binary logs each as a warning at start-up.
    pub warnings: Vec<String>,
}

/// `sluice.toml` as written by a person.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    /// `[server]` table.
    #[serde(default)]
    server: server::FileServer,
    /// `[demo]` table.
    #[serde(default)]
    demo: demo::FileDemo,
    /// `[[providers]]` tables.
    #[serde(default)]
    providers: Vec<providers::FileProvider>,
    /// `[autodetect]` table.
    #[serde(default)]
    autodetect: providers::FileAutodetect,
    /// `[storage]` table.
    #[serde(default)]
    storage: storage::FileStorage,
    /// `[auth]` table.
    #[serde(default)]
    auth: auth::FileAuth,
    /// `[limits]` table.
    #[serde(default)]
    limits: limits::FileLimits,
    /// `[turns]` table.
    #[serde(default)]
    turns: turns::FileTurns,
    /// `[cluster]` table.
    #[serde(default)]
    cluster: cluster::FileCluster,
    /// `[sharing]` table.
    #[serde(default)]
    sharing: sharing::FileSharing,
    /// `[attachments]` table.
    #[serde(default)]
    attachments: attachments::FileAttachments,
    /// `[metrics]` table.
    #[serde(default)]
    metrics: metrics::FileMetrics,
    /// `[telemetry]` table.
    #[serde(default)]
    telemetry: telemetry::FileTelemetry,
}

impl Config {
    /// Loads the configuration from the process environment and the config file: `file` when
    /// given (the `--config` option), else `SLUICE_CONFIG`, else `./sluice.toml` when present.
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let path = match file {
            Some(path) => Some(path.to_path_buf()),
            None => match env.get("SLUICE_CONFIG").filter(|p| !p.trim().is_empty()) {
                Some(path) => Some(PathBuf::from(path)),
                None => Some(PathBuf::from("sluice.toml")).filter(|p| p.exists()),
            },
        };
        let text = match &path {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?,
            ),
            None => None,
        };
        Self::from_parts(path.as_deref(), text.as_deref(), &env)
    }

    /// Builds the configuration from a file's text and an environment (testable without I/O).
    pub fn from_parts(
        path: Option<&Path>,
        file_text: Option<&str>,
        env: &HashMap<String, String>,
    ) -> Result<Self, String> {
        let name = path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "sluice.toml".to_string());
        let file: FileConfig = match file_text {
            Some(text) => {
                toml::from_str(text).map_err(|e| format!("invalid config file {name}: {e}"))?
            }
            None => FileConfig::default(),
        };
        let sources = Sources::new(env, name, file_text.unwrap_or_default());
        let providers = providers::Providers::resolve(file.providers, file.autodetect, &sources)?;
        Ok(Self {
            server: ServerConfig::resolve(&file.server, &sources)?,
            demo: DemoConfig::resolve(&file.demo, &sources)?,
            providers: providers.providers,
            detect_ollama: providers.detect_ollama,
            storage: StorageConfig::resolve(&file.storage, &sources)?,
            limits: LimitsConfig::resolve(&file.limits, &sources)?,
            auth: AuthConfig::resolve(file.auth, &sources)?,
            turns: TurnsConfig::resolve(&file.turns, &sources)?,
            cluster: ClusterConfig::resolve(&file.cluster, &sources)?,
            sharing: SharingConfig::resolve(&file.sharing, &sources)?,
            attachments: AttachmentsConfig::resolve(&file.attachments, &sources)?,
            metrics: MetricsConfig::resolve(&file.metrics, &sources)?,
            telemetry: TelemetryConfig::resolve(&file.telemetry, &sources)?,
            warnings: providers.skipped,
        })
    }
}
