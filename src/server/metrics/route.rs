//! `GET /metrics`, the Prometheus text exposition: the recorder's metrics (with the live-turn
//! and reader gauges read from the turn registry at the scrape) followed by the process
//! metrics. Served on the `[metrics] addr` listener to anyone who reaches it
//! ([`listener_router`]), or on the main port only with `Authorization: Bearer
//! <[metrics] bearer_token>` ([`bearer_metrics`], 401 otherwise); with neither configured the
//! route does not exist.

use super::{names, process, recorder};
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The path Prometheus scrapes.
pub const PATH: &str = "/metrics";

/// The exposition format's content type.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The exposition, or 503 when no recorder could be installed.
fn exposition(state: &AppState) -> Response {
    let Some(handle) = recorder::install() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "metrics are unavailable\n").into_response();
    };
    metrics::gauge!(names::LIVE_TURNS).set(state.turns.live_count() as f64);
    metrics::gauge!(names::TURN_READERS).set(state.turns.reader_count() as f64);
    handle.run_upkeep();
    let mut body = handle.render();
    body.push_str(&process::render());
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        body,
    )
        .into_response()
}

/// `/metrics` on the main port: the exposition for a request bearing the configured token,
/// else 401 (a route only registered when a token is configured).
pub async fn bearer_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    let expected = state.config.metrics.bearer_token.as_deref();
    match (presented, expected) {
        (Some(presented), Some(expected)) if same_secret(presented, expected) => exposition(&state),
        _ => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
            "/metrics needs the bearer token of [metrics] bearer_token.\n",
        )
            .into_response(),
    }
}

/// The router of the `[metrics] addr` listener: `/metrics` and nothing else.
pub fn listener_router(state: AppState) -> Router {
    Router::new().route(
        PATH,
        get(|State(state): State<AppState>| async move { exposition(&state) }).with_state(state),
    )
}

/// Compares a presented token with the configured one in time independent of where they
/// differ (the length may show).
fn same_secret(presented: &str, expected: &str) -> bool {
    presented.len() == expected.len()
        && presented
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_same_token_matches() {
        assert!(super::same_secret("abcdefghijklmnop", "abcdefghijklmnop"));
        assert!(!super::same_secret("abcdefghijklmnoq", "abcdefghijklmnop"));
        assert!(!super::same_secret("abc", "abcdefghijklmnop"));
    }
}
