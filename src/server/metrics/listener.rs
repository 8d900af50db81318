//! The separate metrics listener (`[metrics] addr`): bound when the server starts (a taken
//! address stops start-up with its reason), served with axum until the main server has shut
//! down, so the numbers stay readable while live turns drain.

use super::route;
use crate::server::state::AppState;
use std::net::SocketAddr;
use tokio_util::sync::CancellationToken;

/// Binds `addr` and serves `/metrics` there until `stop` is cancelled.
pub async fn start(
    addr: SocketAddr,
    state: AppState,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "metrics listening");
    let app = route::listener_router(state);
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await;
        if let Err(error) = served {
            tracing::warn!("metrics listener failed: {error}");
        }
    });
    Ok(())
}
