//! The accept loop: takes connections off the listening socket and serves each with hyper's
//! HTTP/1.1 (keep-alive, no upgrades), like `axum::serve`, plus what it lacks against hostile
//! clients (see `config::connections`):
//!
//! * a cap on connections served at once (a semaphore per process); past it a connection gets
//!   a short 503 sentence with `Connection: close` and is closed, never left hanging;
//! * the header and idle timeouts of `connection_watch`, which never cut a response in
//!   progress (a streaming answer may last an hour);
//! * the body timeout of `body_deadline`: each request's body is wrapped as it is handed to
//!   the app, and a request whose body did not arrive in time is answered 408 with
//!   `Connection: close` instead of whatever the app made of the failed read.
//!
//! Every request carries `ConnectInfo<SocketAddr>` (the TCP peer), which `client_ip` reads.
//! Graceful shutdown as in `axum::serve`: once `signal` completes no connection is accepted,
//! idle connections close, responses in flight run to their end, and [`serve`] returns when
//! every connection has closed.

use crate::server::config::ConnectionsConfig;
use crate::server::http::body_deadline::Deadline;
use crate::server::http::connection_watch::{Activity, Timeouts, Tracked, Watched};
use crate::server::metrics::record::OpenConnection;
use axum::extract::ConnectInfo;
use axum::Router;
use futures::FutureExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::Service;

/// Refusals of connections past the cap being written at once; past this, a connection is
/// closed without an answer (a flood that large is not a browser waiting for a sentence).
const REFUSALS_AT_ONCE: usize = 64;

/// Longest time one refusal may take (writing it, then reading what the client still sends
/// so that closing does not reset the connection before the client read the answer).
const REFUSAL_TIME: Duration = Duration::from_secs(2);

/// What a connection past the cap receives.
const REFUSAL_TEXT: &str =
    "The server is busy: too many connections are open. Try again in a few seconds.\n";

/// Serves `app` on `listener` within `limits` until `signal` completes and every connection
/// has closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &ConnectionsConfig,
    signal: impl Future<Output = ()> + Send + 'static,
) {
    let timeouts = Timeouts {
        header: limits.header_timeout,
        idle: limits.idle_timeout,
    };
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    // Dropping the receiver tells every connection (and the loop) that shutdown began.
    let (shutdown_tx, shutdown_rx) = watch::channel(());
    tokio::spawn(async move {
        signal.await;
        drop(shutdown_rx);
    });
    // Each connection holds a receiver; the sender sees them all gone once every one closed.
    let (closed_tx, closed_rx) = watch::channel(());
    let mut saturated = false;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown_tx.closed() => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                // Out of descriptors or memory: wait for some to be freed instead of spinning.
                tracing::error!(%error, "accept failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            if !saturated {
                tracing::warn!(
                    max_connections = limits.max_connections,
                    "connection cap reached: new connections are refused until some close"
                );
                saturated = true;
            }
            refuse(stream, &refusals);
            continue;
        };
        saturated = false;
        let connection = Connection {
            app: app.clone(),
            peer,
            timeouts,
            body_timeout: limits.body_timeout,
            shutdown: shutdown_tx.clone(),
            _open: closed_rx.clone(),
            _slot: slot,
            _counted: OpenConnection::opened(),
        };
        tokio::spawn(connection.serve(stream));
    }
    drop(closed_rx);
    drop(listener);
    closed_tx.closed().await;
}

/// One accepted connection and what it holds while it lives.
struct Connection {
    /// The application, called for each request.
    app: Router,
    /// The TCP peer, given to every request as `ConnectInfo`.
    peer: SocketAddr,
    /// Header and idle timeouts.
    timeouts: Timeouts,
    /// Time to send a request's whole body after its header.
    body_timeout: Duration,
    /// Closed when shutdown begins.
    shutdown: watch::Sender<()>,
    /// Counts this connection as open, so shutdown waits for it.
    _open: watch::Receiver<()>,
    /// Its place under the connection cap, given back when it closes.
    _slot: OwnedSemaphorePermit,
    /// Counts it in the open-connections gauge while it lives.
    _counted: OpenConnection,
}

impl Connection {
    /// Serves requests on `stream` until the client closes it, a timeout closes it, or
    /// shutdown lets its last response end.
    async fn serve(self, stream: TcpStream) {
        let activity = Activity::new();
        let io = TokioIo::new(Watched::new(stream, activity.clone()));
        let (app, peer, requests) = (self.app, self.peer, activity.clone());
        let body_timeout = self.body_timeout;
        let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
            let in_flight = requests.request_started();
            let deadline = Deadline::default();
            let mut request = request.map(|body| deadline.wrap(body, body_timeout));
            request.extensions_mut().insert(ConnectInfo(peer));
            let mut app = app.clone();
            async move {
                let response = app.call(request).await?;
                let response = deadline.answer(response, body_timeout);
                Ok::<_, Infallible>(response.map(|body| Tracked::new(body, in_flight)))
            }
        });
        let connection = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
        tokio::pin!(connection);
        let mut shutting_down = std::pin::pin!(self.shutdown.closed().fuse());
        loop {
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::trace!(%peer, %error, "connection ended with an error");
                    }
                    break;
                }
                _ = &mut shutting_down => connection.as_mut().graceful_shutdown(),
                _ = activity.expired(self.timeouts) => {
                    tracing::debug!(%peer, "closing a connection past its header or idle timeout");
                    break;
                }
            }
        }
    }
}

/// Answers a connection past the cap with a 503 sentence and closes it, in the background and
/// within [`REFUSAL_TIME`]; closes it at once when [`REFUSALS_AT_ONCE`] are under way.
fn refuse(mut stream: TcpStream, refusals: &Arc<Semaphore>) {
    let Ok(refusal) = Arc::clone(refusals).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let answer = format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: {}\r\nRetry-After: 5\r\nConnection: close\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
             Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n\
             Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n\r\n{REFUSAL_TEXT}",
            REFUSAL_TEXT.len()
        );
        let _ = tokio::time::timeout(REFUSAL_TIME, async {
            stream.write_all(answer.as_bytes()).await?;
            stream.shutdown().await?;
            let mut sink = [0u8; 1024];
            while stream.read(&mut sink).await? > 0 {}
            Ok::<_, io::Error>(())
        })
        .await;
        drop(refusal);
    });
}

/// Errors of one connection that leave the listener fine (as `axum::serve` treats them).
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
