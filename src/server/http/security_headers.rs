//! The security headers of every response, including a strict Content-Security-Policy whose
//! only inline-script exception is a fresh nonce per response.
//!
//! [`response_headers`] (a middleware around the whole app) draws 128 random bits per request,
//! stores them in the request's extensions as [`CspNonce`], lets the request run and then sets
//! `Content-Security-Policy` with that nonce, plus `X-Content-Type-Options`,
//! `Referrer-Policy` and `X-Frame-Options` (and the streaming headers of SSE responses).
//! Pages get the same value into Leptos through [`provide_request_nonce`] (called from the
//! routes' additional context), so the hydration script and the streamed resource scripts that
//! Leptos writes carry `nonce="…"`. Nothing else may run inline: no inline event handler,
//! no `javascript:` URL, no injected `<script>` without the nonce.
//!
//! Why each directive:
//! * `script-src 'self' 'nonce-…' 'wasm-unsafe-eval'`: the bundle from our origin, the one
//!   inline hydration script, and WebAssembly compilation (which `'self'` alone does not allow).
//! * `style-src 'self'`: the stylesheet only; components use classes, never `style=""`.
//! * `img-src 'self' data:`: the Markdown-image exfiltration attack needs a remote image that
//!   loads by itself; the renderer never makes one, and this makes even a renderer bug unable
//!   to. Consequence: a remote image the reader asked for with "Load image from HOST" is
//!   refused by the browser as well (it shows its alt text); opening it in a new tab is the
//!   only way to see it. This is the policy, kept deliberately.
//! * `connect-src 'self'`: fetches and event streams go to the app only.
//! * `worker-src 'self'; manifest-src 'self'`: the service worker `/sw.js` and the web app
//!   manifest of the installable app, from our origin only (said outright rather than left to
//!   the `default-src` fallback).
//! * `object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use leptos::prelude::{provide_context, use_context, LeptosOptions};
use std::sync::Arc;

/// The response header carrying the policy.
const CSP: HeaderName = header::CONTENT_SECURITY_POLICY;

/// The nonce of one response, stored in the request's extensions by [`response_headers`].
#[derive(Clone, Debug)]
pub struct CspNonce(pub Arc<str>);

/// What the middleware needs besides the request.
#[derive(Clone, Debug, Default)]
pub struct SecurityHeaders {
    /// The hot-reload WebSocket port under `cargo leptos watch` (`LEPTOS_WATCH` set): the
    /// reload script connects to it, so `connect-src` must name it. `None` in production.
    dev_reload_port: Option<u32>,
}

impl SecurityHeaders {
    /// The settings for this process: a reload port only under `cargo leptos watch`.
    pub fn new(options: &LeptosOptions) -> Self {
        let watching = std::env::var_os("LEPTOS_WATCH").is_some();
        Self {
            dev_reload_port: watching
                .then(|| options.reload_external_port.unwrap_or(options.reload_port)),
        }
    }

    /// The policy for a response whose inline scripts carry `nonce`.
    pub fn policy(&self, nonce: &str) -> String {
        let reload = self
            .dev_reload_port
            .map(|port| format!(" ws://*:{port} wss://*:{port}"))
            .unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
             worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        )
    }
}

/// 128 random bits, base64url without padding (a valid CSP `nonce-source`).
pub fn fresh_nonce() -> Arc<str> {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness means no secret nonce: an unguessable-but-unusable value still blocks
        // every inline script, including the hydration script, so the page fails closed.
        return Arc::from("unavailable");
    }
    Arc::from(URL_SAFE_NO_PAD.encode(bytes))
}

/// Gives the page being rendered the request's nonce (Leptos's own per-render nonce would not
/// match the header). Called in the additional context of every Leptos route and of the
/// fallback page; does nothing outside a request.
pub fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}

/// Adds the security headers to every response and the streaming headers to SSE responses.
pub async fn response_headers(
    State(settings): State<SecurityHeaders>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = fresh_nonce();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_event_stream = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if is_event_stream {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        headers.remove(header::CONTENT_LENGTH);
    }
    if let Ok(policy) = HeaderValue::from_str(&settings.policy(&nonce)) {
        headers.insert(CSP, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::{fresh_nonce, SecurityHeaders};

    #[test]
    fn nonces_are_fresh_and_valid_nonce_sources() {
        let first = fresh_nonce();
        let second = fresh_nonce();
        assert_ne!(first, second);
        assert_eq!(first.len(), 22, "16 bytes in unpadded base64");
        assert!(first
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn the_production_policy_is_strict() {
        let policy = SecurityHeaders::default().policy("abc");
        assert_eq!(
            policy,
            "default-src 'self'; script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; \
             manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
    }

    #[test]
    fn only_watch_mode_may_connect_to_the_reload_socket() {
        let dev = SecurityHeaders {
            dev_reload_port: Some(3001),
        };
        assert!(dev
            .policy("n")
            .contains("connect-src 'self' ws://*:3001 wss://*:3001;"));
    }
}
