//! The health endpoints for load balancers and Kubernetes probes, outside every guard of the
//! route table (no host check, no rate limit, no sign-in: a probe comes from the pod's
//! address, often by IP): `GET /healthz` (liveness: the process answers, 200 `ok`) and
//! `GET /readyz` (readiness: 200 `ready` when the server takes new answers — not shutting
//! down, the database answers, and with `[cluster] redis_url` Redis answers — else 503 with
//! a short JSON reason, so the balancer sends traffic elsewhere).

use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::time::Duration;

/// The liveness path.
pub const HEALTHZ: &str = "/healthz";

/// The readiness path.
pub const READYZ: &str = "/readyz";

/// How long one dependency may take before it counts as unreachable (probes time out at
/// about 1 s by default in Kubernetes).
const CHECK_TIMEOUT: Duration = Duration::from_millis(900);

/// `GET /healthz`: the process is up.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: 200 `{"status":"ready"}`, or 503 `{"status":"unavailable","reason":…}`.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match not_ready_because(&state).await {
        None => Json(serde_json::json!({ "status": "ready" })).into_response(),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "reason": reason })),
        )
            .into_response(),
    }
}

/// Why the server should not get new traffic, if it should not.
async fn not_ready_because(state: &AppState) -> Option<&'static str> {
    if state.turns.is_closing() {
        return Some("shutting down");
    }
    match tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => {}
        _ => return Some("database unreachable"),
    }
    if let Some(cluster) = &state.cluster {
        let command = redis::cmd("PING");
        let ping = cluster.run::<String>("the readiness check", &command);
        match tokio::time::timeout(CHECK_TIMEOUT, ping).await {
            Ok(Ok(_)) => {}
            _ => return Some("redis unreachable"),
        }
    }
    None
}
