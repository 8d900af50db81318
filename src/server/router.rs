//! The route table: `fn app(state, options) -> Router`, kept apart from `main` so tests can
//! serve it on an ephemeral port. Server functions (under `/api/`) are registered by
//! `leptos_routes_with_context`; the conversation download (`export_route`) is a plain axum
//! route; everything else is the Leptos page or a static file. Every request first goes
//! through [`identity::resolve`], which finds its user and refuses what needs one.
//!
//! There is deliberately no compression layer (SSE must never be compressed, tower-http #732)
//! and no timeout layer (a long answer must not be cut).

use crate::app::{shell, App};
use crate::server::config::ServerConfig;
use crate::server::export_route;
use crate::server::identity;
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use server_fn::error::FromServerFnError;
use server_fn::{ServerFn, ServerFnError};
use tower_http::limit::RequestBodyLimitLayer;

/// Builds the whole HTTP application.
pub fn app(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let body_limit = body_limit(&state.config.server);
    let context_state = state.clone();
    Router::new()
        .route(
            export_route::PATH,
            get(export_route::export_conversation).with_state(state.clone()),
        )
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
        .layer(middleware::from_fn_with_state(
            state.clone(),
            identity::resolve,
        ))
        .layer(middleware::from_fn(response_headers))
        .layer(middleware::from_fn(malformed_input_is_bad_request))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(middleware::from_fn_with_state(
            state.config.server.max_import_bytes,
            oversized_import_message,
        ))
        // axum's own 2 MB default would cut server-function bodies (an import) below the limit.
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(leptos_options)
}

/// Room for JSON around the text limits.
const BODY_OVERHEAD: usize = 64 * 1024;

/// The largest request body: a whole conversation to send, or an imported file. The file
/// travels as a JSON string in which quotes, backslashes and line ends are escaped (which at
/// most doubles a JSON document), so twice its limit is admitted: a file up to twice the limit
/// gets the import endpoint's own 413 with its size; beyond, [`oversized_import_message`].
fn body_limit(server: &ServerConfig) -> usize {
    server
        .max_request_bytes
        .max(server.max_import_bytes.saturating_mul(2))
        .saturating_add(BODY_OVERHEAD)
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

/// The request body limit answers an oversized body with a bare "length limit exceeded". For
/// an import, whose caller shows the error to a person, answer a sentence instead, encoded
/// like every server-function error so the page decodes it as any other refusal.
async fn oversized_import_message(
    State(max_import_bytes): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let is_import = request.uri().path()
        == <crate::api::import_conversation::ImportConversation as ServerFn>::PATH;
    let response = next.run(request).await;
    if !is_import || response.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ERROR_BODY)
        .await
        .unwrap_or_default();
    if bytes.starts_with(b"ServerError|") {
        // The endpoint's own refusal, already a sentence.
        return Response::from_parts(parts, Body::from(bytes));
    }
    let message = format!(
        "The file is too large (the limit is {} KiB).",
        max_import_bytes / 1024
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    let error: ServerFnError = ServerFnError::ServerError(message);
    Response::from_parts(parts, Body::from(error.ser()))
}
