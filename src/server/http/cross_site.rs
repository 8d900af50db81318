//! Cross-site requests. Server functions change data on a plain POST, which any web page
//! could make a visitor's browser send; [`refuse_cross_site`] turns such requests away (403)
//! before they reach a handler. A state-changing request (anything but GET/HEAD/OPTIONS) to
//! `/api/` is refused when its `Sec-Fetch-Site` is `cross-site`, or when it has an `Origin`
//! whose host and port differ from its `Host`, unless that origin is in
//! `[server] allowed_origins`. Requests with neither header (curl, scripts, tests) pass: only
//! browsers send them, and only browsers carry a visitor's credentials.
//!
//! The allowed origins, and only they, also get CORS headers ([`cors_layer`]); with none
//! configured no CORS header is ever sent.

use crate::server::error::AppError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The refusal's text.
pub const REFUSED: &str = "Cross-site request refused.";

/// Refuses state-changing `/api/` requests from other sites (see the module docs);
/// `allowed` holds the configured foreign origins, normalised.
pub async fn refuse_cross_site(
    State(allowed): State<Arc<Vec<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let safe_method = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe_method || !path.starts_with("/api/") || is_same_site_or_allowed(&request, &allowed) {
        return next.run(request).await;
    }
    tracing::info!(
        path,
        origin = ?request.headers().get(header::ORIGIN),
        "refused a cross-site request"
    );
    AppError::Forbidden(REFUSED.to_string()).into_api_response(path)
}

/// Whether the request's headers show it comes from this site (or an allowed one), or carry
/// no browser provenance at all.
fn is_same_site_or_allowed<B>(request: &http::Request<B>, allowed: &[String]) -> bool {
    let headers = request.headers();
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or(""));
    if let Some(origin) = origin {
        if allowed
            .iter()
            .any(|a| a.eq_ignore_ascii_case(origin.trim_end_matches('/')))
        {
            return true;
        }
    }
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("cross-site"));
    if cross_site {
        return false;
    }
    match origin {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            host.is_some_and(|host| same_host_and_port(origin, host))
        }
    }
}

/// Whether `origin` (`scheme://host[:port]`) names the same host and port as the `Host`
/// header `host`, default ports filled in from the origin's scheme. `null` and anything
/// unparsable never match.
fn same_host_and_port(origin: &str, host: &str) -> bool {
    let Ok(origin) = origin.parse::<http::Uri>() else {
        return false;
    };
    let default_port = match origin.scheme_str() {
        Some("http") => 80,
        Some("https") => 443,
        _ => return false,
    };
    let (Some(origin), Ok(host)) = (origin.authority(), host.parse::<http::uri::Authority>())
    else {
        return false;
    };
    origin.host().eq_ignore_ascii_case(host.host())
        && origin.port_u16().unwrap_or(default_port) == host.port_u16().unwrap_or(default_port)
}

/// CORS for the configured foreign origins; `None` (no layer, no CORS header) when there are
/// none. Invalid header values were refused when the config was read, and are skipped here.
pub fn cors_layer(allowed: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = allowed
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
            .expose_headers([header::RETRY_AFTER, header::CONTENT_DISPOSITION]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A POST to `/api/x` with these headers.
    fn request(headers: &[(&str, &str)]) -> http::Request<()> {
        let mut builder = http::Request::post("/api/x");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).expect("request")
    }

    #[test]
    fn decides_by_origin_host_and_fetch_site() {
        let allowed = vec!["https://app.example.com".to_string()];
        let ok = |headers: &[(&str, &str)]| is_same_site_or_allowed(&request(headers), &allowed);
        assert!(ok(&[]), "no browser headers");
        assert!(ok(&[("host", "chat.local:3000")]));
        assert!(ok(&[
            ("host", "chat.local:3000"),
            ("origin", "http://chat.local:3000")
        ]));
        assert!(ok(&[
            ("host", "Chat.Local"),
            ("origin", "https://chat.local:443")
        ]));
        assert!(ok(&[
            ("host", "chat.local"),
            ("sec-fetch-site", "same-origin")
        ]));
        assert!(!ok(&[
            ("host", "chat.local:3000"),
            ("origin", "http://evil.example:3000")
        ]));
        assert!(!ok(&[
            ("host", "chat.local:3000"),
            ("origin", "http://chat.local:4000")
        ]));
        assert!(!ok(&[("host", "chat.local"), ("origin", "null")]));
        assert!(
            !ok(&[("origin", "http://chat.local")]),
            "no Host to compare"
        );
        assert!(!ok(&[
            ("host", "chat.local"),
            ("sec-fetch-site", "cross-site")
        ]));
        assert!(ok(&[
            ("host", "chat.local"),
            ("origin", "https://app.example.com"),
            ("sec-fetch-site", "cross-site")
        ]));
    }

    #[test]
    fn no_cors_without_configured_origins() {
        assert!(cors_layer(&[]).is_none());
        assert!(cors_layer(&["https://app.example.com".to_string()]).is_some());
    }
}
