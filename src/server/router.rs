//! The route table: `fn app(state, options) -> Router`, kept apart from `main` so tests can
//! serve it on an ephemeral port. Server functions (under `/api/`) are registered by
//! `leptos_routes_with_context`; everything else is the Leptos page or a static file.
//!
//! There is deliberately no compression layer (SSE must never be compressed, tower-http #732)
//! and no timeout layer (a long answer must not be cut).

use crate::app::{shell, App};
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::limit::RequestBodyLimitLayer;

/// Builds the whole HTTP application.
pub fn app(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let body_limit = state.config.server.max_request_bytes + 64 * 1024;
    let context_state = state.clone();
    Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(context_state.clone()),
            {
                let leptos_options = leptos_options.clone();
                move || shell(leptos_options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(middleware::from_fn(response_headers))
        .layer(middleware::from_fn(malformed_input_is_bad_request))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .with_state(leptos_options)
}

/// Adds security headers to every response and the streaming headers to SSE responses.
async fn response_headers(request: Request, next: Next) -> Response {
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

/// Largest server-function error body inspected by [`malformed_input_is_bad_request`].
const MAX_ERROR_BODY: usize = 16 * 1024;

/// `server_fn` answers 500 when it cannot decode a request's arguments; that is the client's
/// fault, so say 400 (the body, `Deserialization|…` or `Args|…`, already explains what is wrong).
async fn malformed_input_is_bad_request(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return Response::from_parts(parts, Body::from("Something went wrong on the server."))
        }
    };
    if bytes.starts_with(b"Deserialization|") || bytes.starts_with(b"Args|") {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
