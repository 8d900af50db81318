//! The session cookie: its name, reading the token from a request's `Cookie` headers, and the
//! `Set-Cookie` values that start and end a session (`HttpOnly`, `SameSite=Lax`, `Path=/`,
//! `Secure` per [`CookieSecure`]).

use crate::server::config::{AuthConfig, CookieSecure};
use crate::store::SESSION_TOKEN_BYTES;
use axum::http::{header, HeaderMap, HeaderValue};

/// The cookie's name.
pub const COOKIE_NAME: &str = "sluice_session";

/// The longest token worth looking up (a real one is the base64 of [`SESSION_TOKEN_BYTES`]).
const MAX_TOKEN_CHARS: usize = SESSION_TOKEN_BYTES * 2;

/// The session token the request carries, if it has a plausible one.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .find(|value| {
            !value.is_empty()
                && value.len() <= MAX_TOKEN_CHARS
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
}

/// Whether the cookie gets `Secure` for a request that came over https (`https`) or not.
pub fn is_secure(config: &AuthConfig, https: bool) -> bool {
    match config.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => https,
    }
}

/// The attributes every session cookie carries.
fn attributes(secure: bool) -> &'static str {
    if secure {
        "Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Lax"
    }
}

/// `Set-Cookie` starting a session with `token` for `config.session_lifetime`.
pub fn start(config: &AuthConfig, token: &str, secure: bool) -> Option<HeaderValue> {
    let max_age = config.session_lifetime.as_secs().max(1);
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Max-Age={max_age}; {}",
        attributes(secure)
    ))
    .ok()
}

/// `Set-Cookie` removing the session cookie from the browser.
pub fn end(secure: bool) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}=; Max-Age=0; {}",
        attributes(secure)
    ))
    .ok()
}
