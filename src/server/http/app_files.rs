//! The headers of the installable app's two special files, served from the site root like
//! any static file (cargo-leptos copies `public/` there): the service worker `/sw.js` must be
//! JavaScript and revalidated on every check (`Cache-Control: no-cache`), or a browser could
//! keep running an old worker for a day; the manifest `/manifest.webmanifest` is
//! `application/manifest+json`, also revalidated so a changed name or icon shows up.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// The service worker's path (its scope is the whole site).
pub const SERVICE_WORKER: &str = "/sw.js";

/// The web app manifest's path.
pub const MANIFEST: &str = "/manifest.webmanifest";

/// Sets the content type and `Cache-Control: no-cache` of the two files when they are served.
pub async fn app_file_headers(request: Request, next: Next) -> Response {
    let content_type = match request.uri().path() {
        SERVICE_WORKER => Some("text/javascript; charset=utf-8"),
        MANIFEST => Some("application/manifest+json"),
        _ => None,
    };
    let mut response = next.run(request).await;
    if let Some(content_type) = content_type {
        if response.status() == StatusCode::OK {
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
    }
    response
}
