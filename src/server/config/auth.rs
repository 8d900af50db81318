//! The `[auth]` configuration: the access mode, who may sign up, the trusted reverse proxies
//! and their header, session lifetime and the cookie's `Secure` rule; plus the start-up check
//! that refuses single-user mode on anything but a loopback address. Environment variables
//! (`SLUICE_AUTH`, `SLUICE_SIGNUP`, `SLUICE_TRUSTED_HEADER`, `SLUICE_TRUSTED_PROXIES`,
//! `SLUICE_SESSION_DAYS`, `SLUICE_COOKIE_SECURE`) override the file. `SLUICE_ADMIN_TOKEN`
//! (the first sign-up's set-up token, see `admin_setup`) is a secret and so only an
//! environment variable, never a file key.

use super::source::{Decimal, Setting, Sources};
use crate::account::{AuthMode, SignupMode};
use crate::server::auth::admin_setup::{SetupToken, MIN_TOKEN_CHARS};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use toml::Spanned;

/// When the session cookie carries `Secure`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CookieSecure {
    /// When the request came over https: `X-Forwarded-Proto: https` from a trusted proxy.
    Auto,
    /// Always (the site is only ever reached over https).
    Always,
    /// Never (plain http on a private network).
    Never,
}

/// The resolved `[auth]` settings.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// How users are identified.
    pub mode: AuthMode,
    /// Who may create an account in `local` mode.
    pub signup: SignupMode,
    /// The request header naming the user in `trusted_header` mode (e.g. `Remote-User`).
    pub trusted_header: String,
    /// Peers whose `trusted_header`, `X-Forwarded-Proto` and `X-Forwarded-For` are believed
    /// (the last by `client_ip`); anyone else's are ignored, so a client cannot name itself
    /// or choose the address its limits count.
    pub trusted_proxies: Vec<IpAddr>,
    /// How long a session lasts after sign-in.
    pub session_lifetime: Duration,
    /// When the session cookie is `Secure`.
    pub cookie_secure: CookieSecure,
    /// The operator's set-up token for the first sign-up (`SLUICE_ADMIN_TOKEN`); `None`: a
    /// random one per start.
    pub admin_token: Option<SetupToken>,
}

/// `[auth]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileAuth {
    /// `off`, `local` or `trusted_header` (default `off`).
    mode: Option<AuthMode>,
    /// `open`, `approval` or `closed` (default `approval`).
    signup: Option<SignupMode>,
    /// Header set by the proxy (default `Remote-User`).
    trusted_header: Option<String>,
    /// Proxy addresses (default loopback only).
    trusted_proxies: Option<Vec<String>>,
    /// Session lifetime in days (default 30; fractions allowed).
    session_days: Option<Spanned<f64>>,
    /// `auto`, `always` or `never` (default `auto`).
    cookie_secure: Option<CookieSecure>,
}

/// A session lasts more than 0 and at most ten years.
const SESSION_DAYS: Decimal = Decimal::above(0.0, 3650.0, "days");

impl AuthConfig {
    /// Resolves the settings from the file's `[auth]` table and the environment.
    pub(super) fn resolve(file: FileAuth, sources: &Sources) -> Result<AuthConfig, String> {
        let setting = |var, key| Setting::new(var, "[auth]", key);
        let mode = sources.word(setting("SLUICE_AUTH", "mode"), file.mode, AuthMode::Off)?;
        let signup = sources.word(
            setting("SLUICE_SIGNUP", "signup"),
            file.signup,
            SignupMode::Approval,
        )?;
        let cookie_secure = sources.word(
            setting("SLUICE_COOKIE_SECURE", "cookie_secure"),
            file.cookie_secure,
            CookieSecure::Auto,
        )?;
        let trusted_header = sources
            .text(
                setting("SLUICE_TRUSTED_HEADER", "trusted_header"),
                file.trusted_header,
            )
            .unwrap_or_else(|| "Remote-User".to_string());
        if axum::http::HeaderName::from_bytes(trusted_header.as_bytes()).is_err() {
            return Err(format!(
                "trusted_header {trusted_header:?} is not a valid header name"
            ));
        }
        let proxies = sources
            .list(
                setting("SLUICE_TRUSTED_PROXIES", "trusted_proxies"),
                file.trusted_proxies,
            )
            .unwrap_or_else(|| vec!["127.0.0.1".to_string(), "::1".to_string()]);
        let trusted_proxies = proxies
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpAddr>()
                    .map(|ip| ip.to_canonical())
                    .map_err(|_| format!("trusted_proxies: {p:?} is not an IP address"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let days = sources.decimal(
            setting("SLUICE_SESSION_DAYS", "session_days"),
            file.session_days.as_ref(),
            SESSION_DAYS,
            30.0,
        )?;
        let admin_token = sources
            .var("SLUICE_ADMIN_TOKEN")
            .map(|t| SetupToken(t.to_string()));
        if admin_token
            .as_ref()
            .is_some_and(|t| t.0.chars().count() < MIN_TOKEN_CHARS)
        {
            return Err(format!(
                "SLUICE_ADMIN_TOKEN must be at least {MIN_TOKEN_CHARS} characters (it guards \
                 the first administrator account)"
            ));
        }
        Ok(AuthConfig {
            admin_token,
            mode,
            signup,
            trusted_header,
            trusted_proxies,
            session_lifetime: Duration::from_secs_f64(days * 86_400.0),
            cookie_secure,
        })
    }

    /// Whether `peer` is one of the trusted proxies.
    pub fn is_trusted_proxy(&self, peer: IpAddr) -> bool {
        self.trusted_proxies.contains(&peer.to_canonical())
    }
}

/// Refuses to serve without authentication anywhere but on a loopback address: with
/// `auth = "off"` anyone who can reach the port would own every conversation.
pub fn check_bind(mode: AuthMode, addr: SocketAddr) -> Result<(), String> {
    if mode == AuthMode::Off && !addr.ip().to_canonical().is_loopback() {
        return Err(format!(
            "refusing to listen on {addr} with auth = \"off\": single-user mode is only \
             allowed on a loopback address (127.0.0.1 or ::1). Set [auth] mode = \"local\" \
             (or SLUICE_AUTH=local) to require sign-in, or mode = \"trusted_header\" behind an \
             authenticating reverse proxy, or listen on 127.0.0.1."
        ));
    }
    Ok(())
}
