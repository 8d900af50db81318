//! The session cookie: its name, reading the token from a request's `Cookie` headers, and the
//! `Set-Cookie` values that start and end a session (`HttpOnly`, `SameSite=Lax`, `Path=/`,
//! `Secure` per [`CookieSecure`]).
//!
//! A `Secure` cookie is named `__Host-sluice_session`: browsers accept that name only from
//! https, with `Path=/` and no `Domain`, so a sibling subdomain or a plain-http page cannot
//! plant one; on such requests only that name is read. Without `Secure` the name is
//! `sluice_session`. A request may carry the name more than once (several `Cookie` headers,
//! or a cookie planted for a wider path or domain): every plausible value is a candidate
//! (the first [`MAX_CANDIDATES`]), and the caller takes the first that names a live session,
//! so a planted value cannot hide the real one.

use crate::server::config::{AuthConfig, CookieSecure};
use crate::store::SESSION_TOKEN_BYTES;
use axum::http::{header, HeaderMap, HeaderValue};

/// The cookie's name on plain http (no `Secure`).
pub const COOKIE_NAME: &str = "sluice_session";

/// The cookie's name when it is `Secure`.
pub const SECURE_COOKIE_NAME: &str = "__Host-sluice_session";

/// The most session-cookie values of one request that are looked up.
pub const MAX_CANDIDATES: usize = 4;

/// The cookie's name for a request whose cookie is `Secure` (`secure`) or not.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// The longest token worth looking up (a real one is the base64 of [`SESSION_TOKEN_BYTES`]).
const MAX_TOKEN_CHARS: usize = SESSION_TOKEN_BYTES * 2;

/// The plausible session tokens the request carries under the cookie's name for `secure`,
/// in order, without repeats, at most [`MAX_CANDIDATES`].
pub fn tokens_from(headers: &HeaderMap, secure: bool) -> Vec<String> {
    let name = cookie_name(secure);
    let mut tokens: Vec<String> = Vec::new();
    let values = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(cookie, _)| cookie.trim() == name)
        .map(|(_, value)| value.trim())
        .filter(|value| {
            !value.is_empty()
                && value.len() <= MAX_TOKEN_CHARS
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    for value in values {
        if tokens.len() == MAX_CANDIDATES {
            break;
        }
        if !tokens.iter().any(|t| t == value) {
            tokens.push(value.to_string());
        }
    }
    tokens
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
        "{}={token}; Max-Age={max_age}; {}",
        cookie_name(secure),
        attributes(secure)
    ))
    .ok()
}

/// `Set-Cookie` removing the session cookie from the browser.
pub fn end(secure: bool) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{}=; Max-Age=0; {}",
        cookie_name(secure),
        attributes(secure)
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for cookie in cookies {
            map.append(
                header::COOKIE,
                HeaderValue::from_str(cookie).expect("value"),
            );
        }
        map
    }

    #[test]
    fn every_value_of_the_right_name_is_a_candidate() {
        let map = headers(&[
            "sluice_session=bogus; theme=dark",
            "sluice_session=real; sluice_session=bogus; __Host-sluice_session=secure",
        ]);
        assert_eq!(tokens_from(&map, false), ["bogus", "real"]);
        assert_eq!(tokens_from(&map, true), ["secure"]);
        let many = headers(&["sluice_session=a; sluice_session=b; sluice_session=c; \
                              sluice_session=d; sluice_session=e; sluice_session=bad!"]);
        assert_eq!(tokens_from(&many, false), ["a", "b", "c", "d"]);
    }

    #[test]
    fn a_secure_cookie_has_the_host_prefix() {
        assert!(end(true)
            .expect("value")
            .to_str()
            .expect("text")
            .starts_with("__Host-sluice_session=; Max-Age=0; Path=/;"));
        assert!(end(false)
            .expect("value")
            .to_str()
            .expect("text")
            .starts_with("sluice_session=; "));
    }
}
