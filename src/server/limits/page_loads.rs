//! The page-load budget (`[limits] page_loads_per_minute`): every request the server renders
//! as a page — `/`, `/c/{id}`, `/sign-in`, `/admin` and any other path that is not the API or
//! a file — counts against its client's address and, when signed in, its user; beyond the
//! budget the answer is a plain-text 429 with `Retry-After`. Rendering a page (a whole
//! conversation) is the most expensive request there is, and unlike `/api/` requests page
//! loads had no limit. Static files (`/pkg/…`, and names with an extension such as
//! `/favicon.ico`) never count: one page load fetches several of them.

use crate::server::auth::request_identity::RequestIdentity;
use crate::server::limits::Limits;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Counts a page load against its budgets (runs after `identity::resolve`, which records
/// the user); other requests pass untouched.
pub async fn limit_page_loads(
    State(limits): State<Limits>,
    request: Request,
    next: Next,
) -> Response {
    if is_page_load(request.method(), request.uri().path()) {
        let ip = crate::server::http::client_ip::of_request(&request);
        let user = request
            .extensions()
            .get::<RequestIdentity>()
            .and_then(|identity| identity.user.as_ref())
            .map(|account| account.id);
        if let Err(error) = limits.check_page_load(ip, user).await {
            return error.into_response();
        }
    }
    next.run(request).await
}

/// True for a request the server answers by rendering a page: a GET or HEAD outside `/api`
/// and `/pkg/` whose last path segment has no extension.
pub fn is_page_load(method: &Method, path: &str) -> bool {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return false;
    }
    let api = path == "/api" || path.starts_with("/api/");
    let file = path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'));
    !api && !file
}

#[cfg(test)]
mod tests {
    use super::is_page_load;
    use axum::http::Method;

    #[test]
    fn pages_count_and_files_and_the_api_do_not() {
        for page in ["/", "/c/6f0c-11", "/sign-in", "/admin", "/nowhere"] {
            assert!(is_page_load(&Method::GET, page), "{page}");
            assert!(is_page_load(&Method::HEAD, page), "{page}");
        }
        for other in [
            "/pkg/sluice.js",
            "/pkg/sluice_bg.wasm",
            "/pkg/sluice.css",
            "/pkg/",
            "/favicon.ico",
            "/api/models",
            "/api",
            "/api/conversations/1/export",
        ] {
            assert!(!is_page_load(&Method::GET, other), "{other}");
        }
        assert!(!is_page_load(&Method::POST, "/"));
    }
}
