//! Everything that runs only on the server, one folder per concept: [`turn`] (answers being
//! generated), [`attachments`] (uploaded files' routes and their sweeper), [`auth`] (who a request acts for), [`limits`] (what a user or address may still
//! do), [`http`] (the connection edge and request guards), configuration, the provider
//! [`catalog`], the shared [`state`], the one route table ([`router`]), [`metrics`] and the
//! serve loop ([`run`]). Only this module (through the provider adapters it owns) talks to providers.

pub mod api_response;
pub mod attachments;
pub mod auth;
pub mod catalog;
pub mod cluster;
pub mod config;
pub mod error;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod redis_link;
pub mod router;
pub mod state;
pub mod telemetry;
pub mod turn;

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
    let cluster = state.cluster.clone();
    let deadline = state.config.turns.shutdown_deadline;
    let connections = state.config.server.connections.clone();
    // The metrics listener outlives the main one's drain, and stops when `run` returns.
    let metrics_stop = tokio_util::sync::CancellationToken::new();
    let _stop_metrics = metrics_stop.clone().drop_guard();
    if state.config.metrics.enabled() {
        metrics::recorder::install();
    }
    if let Some(addr) = state.config.metrics.addr {
        metrics::listener::start(addr, state.clone(), metrics_stop).await?;
    }
    let (turns_done_tx, turns_done) = tokio::sync::oneshot::channel::<()>();
    // Uploads never sent are swept hourly while the server runs.
    let sweeper = attachments::sweeper::start(state.store.clone());
    let app = router::app(state, leptos_options);
    let serve = http::accept_loop::serve(listener, app, &connections, async move {
        shutdown.await;
        tracing::info!(live_turns = turns.live_count(), "shutting down");
        let interrupted = turns.shut_down(deadline).await;
        tracing::info!(interrupted, "live turns ended");
        if let Some(cluster) = cluster {
            cluster.leave().await;
        }
        let _ = turns_done_tx.send(());
    });
    tokio::pin!(serve);
    tokio::select! {
        () = &mut serve => {}
        _ = async {
            // Every turn has ended and been stored; give readers a moment to receive the end,
            // then stop waiting for connections a client keeps open.
            if turns_done.await.is_err() {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(CONNECTION_DRAIN).await;
        } => {
            tracing::warn!("connections still open after shutdown; closing them");
        }
    }
    sweeper.abort();
    Ok(())
}

/// How long connections may stay open after every turn ended at shutdown.
const CONNECTION_DRAIN: std::time::Duration = std::time::Duration::from_secs(3);
