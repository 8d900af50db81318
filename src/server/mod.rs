//! Everything that runs only on the server: configuration, the provider catalog, live turns,
//! the route table and the serve loop. Only this module (and the provider adapters it owns)
//! talks to upstream providers.

pub mod accept_loop;
pub mod admin_cli;
pub mod admin_setup;
pub mod answer_budget;
pub mod answer_recorder;
pub mod body_deadline;
pub mod body_limits;
pub mod catalog;
pub mod chat_turn;
pub mod client_ip;
pub mod config;
pub mod connection_watch;
pub mod cross_site;
pub mod error;
pub mod export_route;
pub mod host_check;
pub mod identity;
pub mod limits;
pub mod live_turn;
pub mod page_loads;
pub mod rate_limiter;
pub mod router;
pub mod security_headers;
pub mod session_cookie;
pub mod session_start;
pub mod sign_in_throttle;
pub mod state;
pub mod storage_quota;
pub mod stored_turn;
pub mod stream_slots;
pub mod temporary_chat;
pub mod trusted_header;
pub mod turn_events_route;
pub mod turn_log;
pub mod turn_resume;
pub mod turn_task;
pub mod turns;

use crate::server::state::AppState;
use leptos::prelude::LeptosOptions;
use std::future::Future;
use tokio::net::TcpListener;

/// Serves the app on `listener` until `shutdown` completes. Then it takes no new turns, lets
/// live turns finish up to `[turns] shutdown_deadline`, stores the rest as `interrupted` (their
/// readers get the end), and returns once connections are closed — or, if some client keeps
/// a connection open, shortly after. Connections are served by [`accept_loop`], within the
/// connection cap and timeouts of `[server]`.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    leptos_options: LeptosOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let turns = state.turns.clone();
    let deadline = state.config.turns.shutdown_deadline;
    let connections = state.config.server.connections.clone();
    let (turns_done_tx, turns_done) = tokio::sync::oneshot::channel::<()>();
    let app = router::app(state, leptos_options);
    let serve = accept_loop::serve(listener, app, &connections, async move {
        shutdown.await;
        tracing::info!(live_turns = turns.live_count(), "shutting down");
        let interrupted = turns.shut_down(deadline).await;
        tracing::info!(interrupted, "live turns ended");
        let _ = turns_done_tx.send(());
    });
    tokio::pin!(serve);
    tokio::select! {
        () = &mut serve => Ok(()),
        _ = async {
            // Every turn has ended and been stored; give readers a moment to receive the end,
            // then stop waiting for connections a client keeps open.
            if turns_done.await.is_err() {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(CONNECTION_DRAIN).await;
        } => {
            tracing::warn!("connections still open after shutdown; closing them");
            Ok(())
        }
    }
}

/// How long connections may stay open after every turn ended at shutdown.
const CONNECTION_DRAIN: std::time::Duration = std::time::Duration::from_secs(3);
