//! `[server]` of the configuration: HTTP-level limits and timings (keep-alive, body and message
//! sizes, the answer cap), the origins and host names requests may come from, and the connection
//! limits of [`connections`](super::connections). Environment variables
//! `SLUICE_KEEPALIVE_SECS`, `SLUICE_MAX_MESSAGE_BYTES`, `SLUICE_MAX_REQUEST_MESSAGES`,
//! `SLUICE_MAX_IMPORT_BYTES`, `SLUICE_MAX_ANSWER_BYTES`, `SLUICE_ALLOWED_ORIGINS` and
//! `SLUICE_ALLOWED_HOSTS` override the file (`max_request_bytes` is only a file key).

use super::connections::{ConnectionsConfig, FileConnections};
use super::source::{Decimal, Setting, Sources, Whole};
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

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

/// `[server]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileServer {
    /// Seconds of upstream silence before a keep-alive.
    keepalive_secs: Option<Spanned<f64>>,
    /// Request body limit in bytes.
    max_request_bytes: Option<Spanned<i64>>,
    /// Single message limit in bytes.
    max_message_bytes: Option<Spanned<i64>>,
    /// Temporary-chat message count limit.
    max_request_messages: Option<Spanned<i64>>,
    /// Imported file limit in bytes.
    max_import_bytes: Option<Spanned<i64>>,
    /// Largest answer in bytes (default 1 MiB, 0: none).
    max_answer_bytes: Option<Spanned<i64>>,
    /// Foreign origins allowed to call the API from a browser.
    allowed_origins: Option<Vec<String>>,
    /// Host names the server answers to.
    allowed_hosts: Option<Vec<String>>,
    /// Connections served at once.
    max_connections: Option<Spanned<i64>>,
    /// Seconds a client may take to send a request header.
    header_timeout_secs: Option<Spanned<f64>>,
    /// Seconds a client may take to send a request body after its header.
    body_timeout_secs: Option<Spanned<f64>>,
    /// Seconds a keep-alive connection may wait idle for its next request.
    idle_timeout_secs: Option<Spanned<f64>>,
    /// Readers that may follow one live turn at once.
    readers_per_turn: Option<Spanned<i64>>,
}

/// Default largest answer: 1 MiB, the largest message an import accepts (so every answer
/// can be exported and imported again), and several times what any model's output limit
/// allows (128 k tokens are about 500 KiB).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 1024 * 1024;

/// Default of [`ServerConfig::max_request_messages`]: far beyond any real chat, far below
/// what a request body could hold.
const DEFAULT_MAX_REQUEST_MESSAGES: usize = 1_000;

/// One gibibyte, the largest accepted body, message, import or answer size.
const GIB: u64 = 1024 * 1024 * 1024;

/// Upstream silence before a keep-alive comment: 0 would send nothing but comments.
const KEEPALIVE: Decimal = Decimal::range(0.05, 3600.0, "seconds");

/// A whole conversation in one request: below 1 KiB nothing useful fits.
const MAX_REQUEST_BYTES: Whole = Whole::range(1024, GIB, "bytes");

/// One message: 0 would refuse every message.
const MAX_MESSAGE_BYTES: Whole = Whole::range(1, GIB, "bytes");

/// Messages in a temporary chat's request: a chat needs at least one.
const MAX_REQUEST_MESSAGES: Whole = Whole::range(1, 1_000_000, "messages");

/// An imported file: below 1 KiB no export fits.
const MAX_IMPORT_BYTES: Whole = Whole::range(1024, GIB, "bytes");

/// An answer: 0 (no limit) or at least 1 KiB (below it nothing useful fits).
const MAX_ANSWER_BYTES: Whole = Whole::or_off(1024, GIB, "bytes");

impl ServerConfig {
    /// Resolves the file's `[server]` and the environment's overrides.
    pub(super) fn resolve(file: &FileServer, sources: &Sources) -> Result<Self, String> {
        let setting = |var, key| Setting::new(var, "[server]", key);
        Ok(Self {
            keepalive: Duration::from_secs_f64(sources.decimal(
                setting("SLUICE_KEEPALIVE_SECS", "keepalive_secs"),
                file.keepalive_secs.as_ref(),
                KEEPALIVE,
                15.0,
            )?),
            max_request_bytes: sources.whole_usize(
                Setting::file_only("[server]", "max_request_bytes"),
                file.max_request_bytes.as_ref(),
                MAX_REQUEST_BYTES,
                256 * 1024,
            )?,
            max_message_bytes: sources.whole_usize(
                setting("SLUICE_MAX_MESSAGE_BYTES", "max_message_bytes"),
                file.max_message_bytes.as_ref(),
                MAX_MESSAGE_BYTES,
                64 * 1024,
            )?,
            max_request_messages: sources.whole_usize(
                setting("SLUICE_MAX_REQUEST_MESSAGES", "max_request_messages"),
                file.max_request_messages.as_ref(),
                MAX_REQUEST_MESSAGES,
                DEFAULT_MAX_REQUEST_MESSAGES,
            )?,
            max_import_bytes: sources.whole_usize(
                setting("SLUICE_MAX_IMPORT_BYTES", "max_import_bytes"),
                file.max_import_bytes.as_ref(),
                MAX_IMPORT_BYTES,
                8 * 1024 * 1024,
            )?,
            max_answer_bytes: sources.whole_usize(
                setting("SLUICE_MAX_ANSWER_BYTES", "max_answer_bytes"),
                file.max_answer_bytes.as_ref(),
                MAX_ANSWER_BYTES,
                DEFAULT_MAX_ANSWER_BYTES as usize,
            )?,
            allowed_origins: allowed_origins(
                sources
                    .list(
                        setting("SLUICE_ALLOWED_ORIGINS", "allowed_origins"),
                        file.allowed_origins.clone(),
                    )
                    .unwrap_or_default(),
            )?,
            allowed_hosts: crate::server::http::host_check::parse_allowed_hosts(
                sources
                    .list(
                        setting("SLUICE_ALLOWED_HOSTS", "allowed_hosts"),
                        file.allowed_hosts.clone(),
                    )
                    .unwrap_or_default(),
            )?,
            connections: ConnectionsConfig::resolve(
                FileConnections {
                    max_connections: file.max_connections.as_ref(),
                    header_timeout_secs: file.header_timeout_secs.as_ref(),
                    body_timeout_secs: file.body_timeout_secs.as_ref(),
                    idle_timeout_secs: file.idle_timeout_secs.as_ref(),
                    readers_per_turn: file.readers_per_turn.as_ref(),
                },
                sources,
            )?,
        })
    }
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
