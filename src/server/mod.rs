//! Everything that runs only on the server: configuration, the provider catalog, live turns,
//! the route table and the serve loop. Only this module (and the provider adapters it owns)
//! talks to upstream providers.

pub mod answer_recorder;
pub mod auth_config;
pub mod catalog;
pub mod chat_turn;
pub mod client_ip;
pub mod config;
pub mod cross_site;
pub mod error;
pub mod export_route;
pub mod identity;
pub mod limits;
pub mod rate_limiter;
pub mod router;
pub mod security_headers;
pub mod session_cookie;
pub mod session_start;
pub mod sign_in_throttle;
pub mod state;
pub mod stored_turn;
pub mod stream_slots;
pub mod turns;

use crate::server::state::AppState;
use leptos::prelude::LeptosOptions;
use std::future::Future;
use tokio::net::TcpListener;

/// Serves the app on `listener` until `shutdown` completes; then stops every live turn so
/// streaming responses end promptly, and returns once connections are closed.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    leptos_options: LeptosOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let turns = state.turns.clone();
    let app = router::app(state, leptos_options);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!(live_turns = turns.live_count(), "shutting down");
        turns.cancel_all();
    })
    .await
}
