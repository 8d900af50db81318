//! One `request` tracing span per HTTP request: its method, its route template (`/c/{id}`,
//! never the path with its ids, nor the query) and, once answered, its status. Handlers' own
//! spans and log lines (a turn's, for one) nest inside it; with `[telemetry] otlp_endpoint`
//! it is exported like every span.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The route of a request no route table entry matched (a static file, a page not found).
const UNMATCHED: &str = "(fallback)";

/// Runs the request inside its `request` span and records the answer's status.
pub async fn trace_request(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_string();
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        status = tracing::field::Empty,
    );
    let response = next.run(request).instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    response
}
