//! Configuration, read once at start-up into typed structs: an optional `sluice.toml` (path in
//! `SLUICE_CONFIG`, else `./sluice.toml` when present) plus conventional environment variables
//! (`OPENAI_API_KEY`/`OPENAI_BASE_URL`/`OPENAI_MODELS`, `ANTHROPIC_API_KEY`/`ANTHROPIC_BASE_URL`/
//! `ANTHROPIC_MODELS`, `GEMINI_API_KEY`/`GEMINI_BASE_URL`/`GEMINI_MODELS`, `OLLAMA_HOST`/
//! `OLLAMA_MODELS`, `SLUICE_DETECT_OLLAMA`, `SLUICE_DEMO_TTFT_MS`,
//! `SLUICE_DEMO_TOKENS_PER_SECOND`, `SLUICE_KEEPALIVE_SECS`, `SLUICE_DATA_DIR`, `SLUICE_FLUSH_MS`,
//! `SLUICE_MAX_MESSAGE_BYTES`, `SLUICE_MAX_REQUEST_MESSAGES`, `SLUICE_MAX_IMPORT_BYTES`,
//! `SLUICE_ALLOWED_ORIGINS`, `SLUICE_ALLOWED_HOSTS`,
//! `SLUICE_MESSAGES_PER_MINUTE`, `SLUICE_IP_REQUESTS_PER_MINUTE`, `SLUICE_CONCURRENT_STREAMS`,
//! `SLUICE_SIGN_IN_ATTEMPTS`, `SLUICE_SIGN_UP_ATTEMPTS`, `SLUICE_PASSWORD_HASHES`,
//! `SLUICE_PASSWORD_HASH_WAIT_SECS`, `SLUICE_MAX_ANSWER_BYTES`, `SLUICE_MAX_USER_STORAGE_BYTES`,
//! `SLUICE_PAGE_LOADS_PER_MINUTE`, the connection limits of
//! [`connections_config`](crate::server::connections_config), the `[auth]` variables of
//! [`auth_config`](crate::server::auth_config) and the `[turns]` ones of
//! [`turns_config`](crate::server::turns_config)). A bad file stops start-up with
//! the file, line and reason. API keys stay here and in the provider adapters: nothing that is
//! sent to a browser is built from this struct.

use crate::server::auth_config::FileAuth;
pub use crate::server::auth_config::{AuthConfig, CookieSecure};
pub use crate::server::connections_config::ConnectionsConfig;
use crate::server::connections_config::FileConnections;
use crate::server::turns_config::FileTurns;
pub use crate::server::turns_config::TurnsConfig;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
}

/// Rate limits against abuse; each is enforced in one place (see ARCHITECTURE.md). 0 means
/// "no limit".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitsConfig {
    /// Answers a user may start per minute (send, regenerate, continue, temporary chat), so
    /// one account cannot run up the provider bill.
    pub messages_per_minute: u32,
    /// Requests to `/api/` one IP address may make per minute, against floods from one host.
    pub ip_requests_per_minute: u32,
    /// Answers one user may have streaming at once, each holding an upstream connection.
    pub concurrent_streams: u32,
    /// Failed sign-ins allowed (per account name and per IP) before exponential back-off.
    pub sign_in_attempts: u32,
    /// Pages (`/`, `/c/{id}`, `/sign-in`, `/admin`, …: anything rendered on the server, not
    /// `/api/` or static files) one IP address, and one signed-in user, may load per minute:
    /// rendering a long conversation is the most expensive thing a client can ask for.
    pub page_loads_per_minute: u32,
    /// Sign-ups allowed per IP before the same back-off: each costs a hash, may add a user.
    pub sign_up_attempts: u32,
    /// Password hashes computed at once (19 MiB each); others queue. Default: CPU cores.
    pub password_hashes: u32,
    /// How long a request queues for a hashing slot before a 503 "busy".
    pub password_hash_wait: Duration,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            messages_per_minute: 30,
            ip_requests_per_minute: 600,
            concurrent_streams: 3,
            sign_in_attempts: 5,
            page_loads_per_minute: 120,
            sign_up_attempts: 5,
            password_hashes: crate::store::PasswordHashing::cores() as u32,
            password_hash_wait: crate::store::PasswordHashing::DEFAULT_WAIT,
        }
    }
}

/// Where and how conversations are stored.
#[derive(Clone, Debug)]
pub struct StorageConfig {
    /// The SQLite database file (`<data_dir>/sluice.db`); its directory is created at start-up.
    pub database: PathBuf,
    /// Time between two batched writes of a streaming answer: what a crash may lose at most.
    pub flush_interval: Duration,
    /// Bytes of message text, titles and system prompts one user may store (0: no quota), so
    /// one account cannot fill the disk; see `server::storage_quota`.
    pub max_user_storage_bytes: u64,
}

/// HTTP-level limits and timings.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// How long the upstream may be silent before a keep-alive comment is sent.
    pub keepalive: Duration,
    /// Largest accepted request body (the whole conversation), so a huge paste is refused early.
    pub max_request_bytes: usize,
    /// Largest accepted single message, refused with a clear message before anything is stored.
    pub max_message_bytes: usize,
    /// Most messages a temporary chat may carry (its whole history is in the request): each is
    /// a message for the provider however small, so countless empty ones are refused too.
    pub max_request_messages: usize,
    /// Largest accepted imported file (a whole exported conversation, every branch), refused
    /// with a clear message before it is parsed; the request body limit admits it.
    pub max_import_bytes: usize,
    /// Largest answer (text, reasoning and tool-call arguments) one turn may produce (0: no
    /// limit): an answer that reaches it ends with an error and keeps what it has, so a
    /// runaway model cannot grow one row (and the live turn's memory) without end.
    pub max_answer_bytes: usize,
    /// Foreign origins (`scheme://host[:port]`, lower case) allowed to call `/api/` from a
    /// browser: only they pass the cross-site check and get CORS headers. Empty: none.
    pub allowed_origins: Vec<String>,
    /// Host names (normalised by `host_check`) requests may be addressed to, against DNS
    /// rebinding; in `off` mode the loopback names are always allowed as well. Empty: only
    /// those in `off` mode, any in the other modes.
    pub allowed_hosts: Vec<String>,
    /// Connection cap, header and idle timeouts, readers per live turn.
    pub connections: ConnectionsConfig,
}

/// The offline demo model.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Whether the demo model is offered at all.
    pub enabled: bool,
    /// Delay before its first token.
    pub ttft: Duration,
    /// Its tokens per second.
    pub tokens_per_second: f64,
}

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
            .finish()
    }
}

/// `sluice.toml` as written by a person.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    /// `[server]` table.
    #[serde(default)]
    server: FileServer,
    /// `[demo]` table.
    #[serde(default)]
    demo: FileDemo,
    /// `[[providers]]` tables.
    #[serde(default)]
    providers: Vec<FileProvider>,
    /// `[autodetect]` table.
    #[serde(default)]
    autodetect: FileAutodetect,
    /// `[storage]` table.
    #[serde(default)]
    storage: FileStorage,
    /// `[auth]` table.
    #[serde(default)]
    auth: FileAuth,
    /// `[limits]` table.
    #[serde(default)]
    limits: FileLimits,
    /// `[turns]` table.
    #[serde(default)]
    turns: FileTurns,
}

/// `[limits]` in the file (0 turns a limit off).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    /// Answers started per user per minute (default 30).
    messages_per_minute: Option<u32>,
    /// `/api/` requests per IP per minute (default 600).
    ip_requests_per_minute: Option<u32>,
    /// Answers streaming at once per user (default 3).
    concurrent_streams: Option<u32>,
    /// Failed sign-ins before back-off (default 5).
    sign_in_attempts: Option<u32>,
    /// Server-rendered pages per IP and per user per minute (default 120).
    page_loads_per_minute: Option<u32>,
    /// Sign-ups per IP before back-off (default 5).
    sign_up_attempts: Option<u32>,
    /// Password hashes at once (default: CPU cores).
    password_hashes: Option<u32>,
    /// Seconds to queue for a hashing slot (default 10).
    password_hash_wait_secs: Option<f64>,
}

/// `[storage]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStorage {
    /// Directory of the database (default `data`, relative to the working directory).
    data_dir: Option<PathBuf>,
    /// Milliseconds between two batched writes of a streaming answer (default 250).
    flush_ms: Option<u64>,
    /// Storage quota per user in bytes (default 1 GiB, 0: none).
    max_user_storage_bytes: Option<u64>,
}

/// `[autodetect]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAutodetect {
    /// Look for a local Ollama when none is configured (default true).
    ollama: Option<bool>,
    /// Where to look (default `http://127.0.0.1:11434`).
    ollama_url: Option<String>,
}

/// `[server]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileServer {
    /// Seconds of upstream silence before a keep-alive.
    keepalive_secs: Option<u64>,
    /// Request body limit in bytes.
    max_request_bytes: Option<usize>,
    /// Single message limit in bytes.
    max_message_bytes: Option<usize>,
    /// Temporary-chat message count limit.
    max_request_messages: Option<usize>,
    /// Imported file limit in bytes.
    max_import_bytes: Option<usize>,
    /// Largest answer in bytes (default 1 MiB, 0: none).
    max_answer_bytes: Option<u64>,
    /// Foreign origins allowed to call the API from a browser.
    allowed_origins: Option<Vec<String>>,
    /// Host names the server answers to.
    allowed_hosts: Option<Vec<String>>,
    /// Connections served at once.
    max_connections: Option<u64>,
    /// Seconds a client may take to send a request header.
    header_timeout_secs: Option<f64>,
    /// Seconds a client may take to send a request body after its header.
    body_timeout_secs: Option<f64>,
    /// Seconds a keep-alive connection may wait idle for its next request.
    idle_timeout_secs: Option<f64>,
    /// Readers that may follow one live turn at once.
    readers_per_turn: Option<u64>,
}

/// `[demo]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDemo {
    /// Offer the demo model.
    enabled: Option<bool>,
    /// Time to first token in ms.
    ttft_ms: Option<u64>,
    /// Token rate.
    tokens_per_second: Option<f64>,
}

/// `[[providers]]` in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProvider {
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
    /// Default max tokens.
    max_tokens: Option<u32>,
    /// Default temperature.
    temperature: Option<f32>,
}

impl Config {
    /// Loads the configuration from the process environment and the config file.
    pub fn load() -> Result<Self, String> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let path = match env.get("SLUICE_CONFIG") {
            Some(path) => Some(PathBuf::from(path)),
            None => Some(PathBuf::from("sluice.toml")).filter(|p| p.exists()),
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
        let file: FileConfig = match file_text {
            Some(text) => toml::from_str(text).map_err(|e| {
                let name = path.map(|p| p.display().to_string()).unwrap_or_default();
                format!("invalid config file {name}: {e}")
            })?,
            None => FileConfig::default(),
        };
        let number = |name: &str| -> Result<Option<f64>, String> {
            env.get(name)
                .map(|v| {
                    v.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("{name} must be a number, got {v:?}"))
                })
                .transpose()
        };
        let server = ServerConfig {
            keepalive: Duration::from_secs_f64(
                number("SLUICE_KEEPALIVE_SECS")?
                    .or(file.server.keepalive_secs.map(|s| s as f64))
                    .unwrap_or(15.0)
                    .max(0.05),
            ),
            max_request_bytes: file.server.max_request_bytes.unwrap_or(256 * 1024),
            max_message_bytes: number("SLUICE_MAX_MESSAGE_BYTES")?
                .map(|v| v as usize)
                .or(file.server.max_message_bytes)
                .unwrap_or(64 * 1024),
            max_request_messages: max_request_messages(file.server.max_request_messages, env)?,
            max_import_bytes: number("SLUICE_MAX_IMPORT_BYTES")?
                .map(|v| v as usize)
                .or(file.server.max_import_bytes)
                .unwrap_or(8 * 1024 * 1024),
            max_answer_bytes: byte_cap(
                env,
                "SLUICE_MAX_ANSWER_BYTES",
                file.server.max_answer_bytes,
                DEFAULT_MAX_ANSWER_BYTES,
            )? as usize,
            allowed_origins: allowed_origins(
                env.get("SLUICE_ALLOWED_ORIGINS")
                    .map(|v| v.split(',').map(str::to_string).collect())
                    .or(file.server.allowed_origins)
                    .unwrap_or_default(),
            )?,
            allowed_hosts: crate::server::host_check::parse_allowed_hosts(
                env.get("SLUICE_ALLOWED_HOSTS")
                    .map(|v| v.split(',').map(str::to_string).collect())
                    .or(file.server.allowed_hosts)
                    .unwrap_or_default(),
            )?,
            connections: ConnectionsConfig::resolve(
                FileConnections {
                    max_connections: file.server.max_connections,
                    header_timeout_secs: file.server.header_timeout_secs,
                    body_timeout_secs: file.server.body_timeout_secs,
                    idle_timeout_secs: file.server.idle_timeout_secs,
                    readers_per_turn: file.server.readers_per_turn,
                },
                env,
            )?,
        };
        let count = |name: &str, from_file: Option<u32>, default: u32| -> Result<u32, String> {
            match env.get(name) {
                Some(v) => v.trim().parse::<u32>().map_err(|_| {
                    format!("{name} must be a whole number (0 turns the limit off), got {v:?}")
                }),
                None => Ok(from_file.unwrap_or(default)),
            }
        };
        let defaults = LimitsConfig::default();
        let limits = LimitsConfig {
            messages_per_minute: count(
                "SLUICE_MESSAGES_PER_MINUTE",
                file.limits.messages_per_minute,
                defaults.messages_per_minute,
            )?,
            ip_requests_per_minute: count(
                "SLUICE_IP_REQUESTS_PER_MINUTE",
                file.limits.ip_requests_per_minute,
                defaults.ip_requests_per_minute,
            )?,
            concurrent_streams: count(
                "SLUICE_CONCURRENT_STREAMS",
                file.limits.concurrent_streams,
                defaults.concurrent_streams,
            )?,
            sign_in_attempts: count(
                "SLUICE_SIGN_IN_ATTEMPTS",
                file.limits.sign_in_attempts,
                defaults.sign_in_attempts,
            )?,
            page_loads_per_minute: count(
                "SLUICE_PAGE_LOADS_PER_MINUTE",
                file.limits.page_loads_per_minute,
                defaults.page_loads_per_minute,
            )?,
            sign_up_attempts: count(
                "SLUICE_SIGN_UP_ATTEMPTS",
                file.limits.sign_up_attempts,
                defaults.sign_up_attempts,
            )?,
            password_hashes: match env.get("SLUICE_PASSWORD_HASHES") {
                Some(v) => v.trim().parse::<u32>().map_err(|_| {
                    format!("SLUICE_PASSWORD_HASHES must be a whole number, got {v:?}")
                })?,
                None => file
                    .limits
                    .password_hashes
                    .unwrap_or(defaults.password_hashes),
            },
            password_hash_wait: {
                let secs = number("SLUICE_PASSWORD_HASH_WAIT_SECS")?
                    .or(file.limits.password_hash_wait_secs)
                    .unwrap_or(defaults.password_hash_wait.as_secs_f64());
                if !(0.01..=300.0).contains(&secs) {
                    return Err(format!(
                        "password_hash_wait_secs must be 0.01 to 300 (seconds to queue for a \
                         password hash), got {secs}"
                    ));
                }
                Duration::from_secs_f64(secs)
            },
        };
        if !(1..=1024).contains(&limits.password_hashes) {
            return Err(format!(
                "password_hashes must be 1 to 1024 (password hashes computed at once), got {}",
                limits.password_hashes
            ));
        }
        let data_dir = env
            .get("SLUICE_DATA_DIR")
            .map(PathBuf::from)
            .or(file.storage.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let storage = StorageConfig {
            database: data_dir.join("sluice.db"),
            flush_interval: Duration::from_millis(
                number("SLUICE_FLUSH_MS")?
                    .map(|v| v as u64)
                    .or(file.storage.flush_ms)
                    .unwrap_or(250)
                    .max(10),
            ),
            max_user_storage_bytes: byte_cap(
                env,
                "SLUICE_MAX_USER_STORAGE_BYTES",
                file.storage.max_user_storage_bytes,
                DEFAULT_MAX_USER_STORAGE_BYTES,
            )?,
        };
        let demo = DemoConfig {
            enabled: file.demo.enabled.unwrap_or(true),
            ttft: Duration::from_millis(
                number("SLUICE_DEMO_TTFT_MS")?
                    .map(|v| v as u64)
                    .or(file.demo.ttft_ms)
                    .unwrap_or(400),
            ),
            tokens_per_second: number("SLUICE_DEMO_TOKENS_PER_SECOND")?
                .or(file.demo.tokens_per_second)
                .unwrap_or(40.0),
        };
        let mut providers = Vec::new();
        for p in file.providers {
            if providers.iter().any(|q: &ProviderConfig| q.id == p.id) {
                return Err(format!(
                    "provider id {:?} appears twice in the config file",
                    p.id
                ));
            }
            let api_key = match &p.api_key_env {
                Some(var) => Some(env.get(var).cloned().ok_or_else(|| {
                    format!(
                        "provider {:?}: environment variable {var} (api_key_env) is not set",
                        p.id
                    )
                })?),
                None => None,
            };
            providers.push(ProviderConfig {
                id: p.id,
                kind: p.kind,
                base_url: p
                    .base_url
                    .unwrap_or_else(|| p.kind.default_base_url().to_string()),
                api_key,
                models: p.models,
                max_tokens: p.max_tokens,
                temperature: p.temperature,
            });
        }
        for conventional in &CONVENTIONAL {
            add_from_env(&mut providers, conventional, env);
        }
        let detect_ollama = match env
            .get("SLUICE_DETECT_OLLAMA")
            .map(|v| v.trim().to_ascii_lowercase())
        {
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => false,
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) => {
                return Err(format!(
                    "SLUICE_DETECT_OLLAMA must be true or false, got {v:?}"
                ))
            }
            None => file.autodetect.ollama.unwrap_or(true),
        };
        let detect_ollama = detect_ollama.then(|| {
            file.autodetect
                .ollama_url
                .unwrap_or_else(|| ProviderKind::Ollama.default_base_url().to_string())
        });
        let auth = AuthConfig::resolve(file.auth, env)?;
        let turns = TurnsConfig::resolve(file.turns, env)?;
        Ok(Self {
            server,
            demo,
            providers,
            detect_ollama,
            storage,
            limits,
            auth,
            turns,
        })
    }
}

/// Default largest answer: 1 MiB, the largest message an import accepts (so every answer
/// can be exported and imported again), and several times what any model's output limit
/// allows (128 k tokens are about 500 KiB).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 1024 * 1024;

/// Default storage quota per user: 1 GiB, about a thousand very long conversations.
pub const DEFAULT_MAX_USER_STORAGE_BYTES: u64 = 1024 * 1024 * 1024;

/// The smallest non-zero byte cap accepted: below it nothing useful fits.
const MIN_BYTE_CAP: u64 = 1024;

/// A byte cap from the environment variable `name`, else the file, else `default`: 0 (no
/// limit) or at least [`MIN_BYTE_CAP`]; anything else stops start-up with a sentence.
fn byte_cap(
    env: &HashMap<String, String>,
    name: &str,
    from_file: Option<u64>,
    default: u64,
) -> Result<u64, String> {
    let value = match env.get(name) {
        Some(raw) => raw.trim().parse::<u64>().map_err(|_| {
            format!("{name} must be a whole number of bytes (0 turns it off), got {raw:?}")
        })?,
        None => from_file.unwrap_or(default),
    };
    let key = name.trim_start_matches("SLUICE_").to_ascii_lowercase();
    if value != 0 && value < MIN_BYTE_CAP {
        return Err(format!(
            "{key} ({name}) must be 0 (no limit) or at least {MIN_BYTE_CAP} bytes, got {value}"
        ));
    }
    if usize::try_from(value).is_err() {
        return Err(format!(
            "{key} ({name}) is too large for this machine, got {value}"
        ));
    }
    Ok(value)
}

/// Default of [`ServerConfig::max_request_messages`]: far beyond any real chat, far below
/// what a request body could hold.
const DEFAULT_MAX_REQUEST_MESSAGES: usize = 1_000;

/// `SLUICE_MAX_REQUEST_MESSAGES`, else `[server] max_request_messages`, else the default; at
/// least 1.
fn max_request_messages(
    from_file: Option<usize>,
    env: &HashMap<String, String>,
) -> Result<usize, String> {
    let name = "SLUICE_MAX_REQUEST_MESSAGES";
    let value = match env.get(name) {
        Some(v) => v
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("{name} must be a whole number, got {v:?}"))?,
        None => from_file.unwrap_or(DEFAULT_MAX_REQUEST_MESSAGES),
    };
    if value == 0 {
        return Err(format!(
            "{name} ([server] max_request_messages) must be at least 1: a chat needs a message"
        ));
    }
    Ok(value)
}

/// Checks and normalises the allowed origins: each must be `http(s)://host[:port]` with no
/// path; blank entries are skipped; the result is lower case without a trailing slash (the
/// form browsers send in `Origin`).
fn allowed_origins(raw: Vec<String>) -> Result<Vec<String>, String> {
    let mut origins = Vec::new();
    for entry in raw {
        let origin = entry.trim().trim_end_matches('/').to_ascii_lowercase();
        if origin.is_empty() {
            continue;
        }
        let valid = origin
            .parse::<http::Uri>()
            .ok()
            .filter(|uri| matches!(uri.scheme_str(), Some("http" | "https")))
            .filter(|uri| uri.authority().is_some())
            .filter(|uri| uri.path_and_query().is_none_or(|p| p.as_str() == "/"))
            .is_some();
        if !valid || origin.contains('@') {
            return Err(format!(
                "allowed origin {entry:?} must look like https://example.com or http://host:port"
            ));
        }
        origins.push(origin);
    }
    Ok(origins)
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
}

/// The conventional variables, in picker order.
const CONVENTIONAL: [Conventional; 4] = [
    Conventional {
        id: "openai",
        kind: ProviderKind::Openai,
        key_var: Some("OPENAI_API_KEY"),
        base_var: "OPENAI_BASE_URL",
        models_var: "OPENAI_MODELS",
    },
    Conventional {
        id: "anthropic",
        kind: ProviderKind::Anthropic,
        key_var: Some("ANTHROPIC_API_KEY"),
        base_var: "ANTHROPIC_BASE_URL",
        models_var: "ANTHROPIC_MODELS",
    },
    Conventional {
        id: "gemini",
        kind: ProviderKind::Gemini,
        key_var: Some("GEMINI_API_KEY"),
        base_var: "GEMINI_BASE_URL",
        models_var: "GEMINI_MODELS",
    },
    Conventional {
        id: "ollama",
        kind: ProviderKind::Ollama,
        key_var: None,
        base_var: "OLLAMA_HOST",
        models_var: "OLLAMA_MODELS",
    },
];

/// Adds the provider that `conventional`'s variables describe, unless the file already has
/// that id or none of its variables is set.
fn add_from_env(
    providers: &mut Vec<ProviderConfig>,
    conventional: &Conventional,
    env: &HashMap<String, String>,
) {
    let get = |name: &str| env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let key = conventional.key_var.and_then(get);
    let base = get(conventional.base_var);
    if (key.is_none() && base.is_none()) || providers.iter().any(|p| p.id == conventional.id) {
        return;
    }
    let base_url = match (conventional.kind, base) {
        (ProviderKind::Ollama, Some(host)) => crate::providers::ollama::base_from_ollama_host(host),
        (_, Some(base)) => base.to_string(),
        (kind, None) => kind.default_base_url().to_string(),
    };
    providers.push(ProviderConfig {
        id: conventional.id.to_string(),
        kind: conventional.kind,
        base_url,
        api_key: key.map(str::to_string),
        models: get(conventional.models_var)
            .map(|m| {
                m.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        max_tokens: None,
        temperature: None,
    });
}
