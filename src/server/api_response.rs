//! Errors as HTTP responses under `/api/`. The one place an [`ApiError`] gets its HTTP
//! status on the way out:
//! - a server function's error: `server_fn` answers every error with 500 and the encoded
//!   `ApiError` (marked by its `serverfnerror` header); [`error_status`] sets the status of
//!   the error's kind (and `Retry-After`) on that response;
//! - a refusal made in front of the handlers (no user, another site, a rate limit, a body over
//!   its limit, an unknown path or method): [`refusal`] builds it, as JSON for a server
//!   function's caller and the attachment routes, as plain text for the other plain routes
//!   (the export download, the events of a turn) and unknown paths.
//!
//! Whether a path is a server function is asked of `server_fn`'s registry, so nothing here
//! needs to know the plain routes.

use crate::api_error::{ApiError, ErrorKind};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Body as _;
use server_fn::error::SERVER_FN_ERROR_HEADER;

/// Largest server-function error body read (an `ApiError` is a sentence or two).
const MAX_ERROR_BODY: usize = 16 * 1024;

/// The method a server function at `path` takes, if `path` is one.
fn server_fn_method(path: &str) -> Option<Method> {
    server_fn::axum::server_fn_paths()
        .find(|(fn_path, _)| *fn_path == path)
        .map(|(_, method)| method)
}

/// Whether `path` is a server function (whose callers decode errors as `ApiError`).
pub fn is_server_fn(path: &str) -> bool {
    server_fn_method(path).is_some()
}

/// The response refusing a request to `path` with `error`: the `ApiError` JSON for a
/// server function, the sentence as plain text elsewhere; the kind's status either way.
pub fn refusal(error: ApiError, path: &str) -> Response {
    if is_server_fn(path) || crate::server::attachments::paths::is_attachment_path(path) {
        return json_refusal(error);
    }
    let retry_after = error.retry_after;
    let mut response = (error.status(), error.message).into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// `error` as the `ApiError` JSON with its kind's status (and `Retry-After`): how server
/// functions and the attachment routes refuse.
pub fn json_refusal(error: ApiError) -> Response {
    let retry_after = error.retry_after;
    let mut response = (
        error.status(),
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        error.to_json(),
    )
        .into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The middleware for `/api/`: gives a server function's error the status of its kind, and
/// a bare 404 or 405 (axum's, with no body) a sentence.
pub async fn error_status(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    if response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return with_error_status(response).await;
    }
    let bare = response.body().size_hint().exact() == Some(0);
    let status = response.status();
    let is_api = path == "/api" || path.starts_with("/api/");
    if !is_api || !bare {
        return response;
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = response.headers().get(header::ALLOW).cloned();
        let mut refused = refusal(method_not_allowed(&path, allowed.as_ref()), &path);
        if let Some(allowed) = allowed {
            refused.headers_mut().insert(header::ALLOW, allowed);
        }
        return refused;
    }
    if status == StatusCode::NOT_FOUND {
        return refusal(no_such_endpoint(), &path);
    }
    response
}

/// Gives the page being rendered on the server the status of `error`, which a server
/// function the page called in-process returned (e.g. 404 for an unknown conversation).
pub fn set_page_status(error: &ApiError) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(error.status());
    }
}

/// The 404 of a path under `/api/` that names no endpoint.
pub fn no_such_endpoint() -> ApiError {
    ApiError::new(ErrorKind::NotFound, "There is no such API endpoint.")
}

/// A server function's error response with its kind's status and `Retry-After`.
async fn with_error_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        let error = ApiError::new(ErrorKind::Internal, crate::api_error::INTERNAL_MESSAGE);
        parts.status = error.status();
        return Response::from_parts(parts, Body::from(error.to_json()));
    };
    let error = ApiError::from_body(&bytes);
    parts.status = error.status();
    if let Some(seconds) = error.retry_after {
        parts
            .headers
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The 405 for `path`, naming the method it takes (from axum's `Allow`, the server
/// function's own method, or GET for the plain routes).
fn method_not_allowed(path: &str, allowed: Option<&HeaderValue>) -> ApiError {
    let from_header = allowed
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(',')
                .map(str::trim)
                // HEAD comes with GET; naming it would only confuse.
                .filter(|method| !method.is_empty() && *method != "HEAD")
                .collect::<Vec<_>>()
                .join(" or ")
        })
        .filter(|methods| !methods.is_empty());
    // The plain `/api/` routes (the export download, a turn's events) take GET only, and
    // axum's 405 for them carries no `Allow`.
    let methods = from_header
        .or_else(|| server_fn_method(path).map(|method| method.to_string()))
        .unwrap_or_else(|| "GET".to_string());
    ApiError::new(
        ErrorKind::MethodNotAllowed,
        format!("This endpoint only accepts {methods}."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_405_names_the_methods_without_head() {
        let sentence = |allow: &str| {
            method_not_allowed("/x", Some(&HeaderValue::from_str(allow).expect("ASCII"))).message
        };
        assert_eq!(sentence("POST"), "This endpoint only accepts POST.");
        assert_eq!(sentence("GET,HEAD"), "This endpoint only accepts GET.");
        assert_eq!(
            sentence("GET,HEAD,POST"),
            "This endpoint only accepts GET or POST."
        );
    }
}
