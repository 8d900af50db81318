//! A small OpenAI-compatible HTTP/1.1 server on raw `tokio` sockets, for tests and demos.
//!
//! Raw sockets let it know exactly how many body bytes it wrote and the instant the client hung
//! up. One request per connection, `Connection: close`. Streams use chunked transfer coding, so
//! a client sees a properly ended body only when the script finished (`CloseAbruptly` makes the
//! client's body read fail). While a stream plays, the socket is also read: end of stream or an
//! error there means the client left (a half-close counts too), which is recorded at once and
//! stops the script, even in the middle of a `Wait` step.
//!
//! Routes: `GET /v1/models`, `POST /v1/chat/completions` (the `model` picks the scenario:
//! added scripts first, then the built-ins, then `fake-fixture-<stem>`), `GET /_records`,
//! `DELETE /_records`. Only chat completion requests are recorded.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use super::connection::serve_connection;
use super::records::{Recorder, RequestRecord};
use super::script::{lock_scripts, FakeOptions, Script, Shared};

/// Entry point: `FakeUpstream::start(listener, options)`.
#[derive(Debug)]
pub struct FakeUpstream;

/// A running fake; dropping it (or [`FakeUpstreamHandle::shutdown`]) stops the server.
#[derive(Debug)]
pub struct FakeUpstreamHandle {
    /// Where the fake listens.
    addr: SocketAddr,
    /// State to read records from and add scripts to.
    shared: Arc<Shared>,
    /// Stops the accept loop when sent to or dropped.
    stop: oneshot::Sender<()>,
    /// The accept loop, awaited by `shutdown`.
    server: JoinHandle<()>,
}

impl FakeUpstream {
    /// Starts serving on `listener` in a background task.
    pub async fn start(listener: TcpListener, options: FakeOptions) -> FakeUpstreamHandle {
        // A bound listener always has an address; the fallback only keeps this infallible.
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let shared = Arc::new(Shared {
            options,
            recorder: Recorder::new(),
            scripts: Mutex::new(HashMap::new()),
        });
        let (stop, stopped) = oneshot::channel();
        let server = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stopped));
        FakeUpstreamHandle {
            addr,
            shared,
            stop,
            server,
        }
    }
}

impl FakeUpstreamHandle {
    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL for an OpenAI client, e.g. `http://127.0.0.1:PORT/v1` (an unspecified bind
    /// address is shown as 127.0.0.1).
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        format!("http://{addr}/v1")
    }

    /// All chat requests recorded since the last clear.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.shared.recorder.snapshot()
    }

    /// Makes requests for `model` play `script` (replacing a built-in of that name).
    pub fn add_script(&self, model: &str, script: Script) {
        lock_scripts(&self.shared).insert(model.to_string(), script);
    }

    /// Waits until the client of request `request_index` hangs up and returns its record;
    /// `None` if the response ends first or `timeout` passes.
    pub async fn wait_for_disconnect(
        &self,
        request_index: usize,
        timeout: Duration,
    ) -> Option<RequestRecord> {
        self.shared
            .recorder
            .wait_for_disconnect(request_index, timeout)
            .await
    }

    /// Stops accepting, ends every open connection and waits for the server task.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}

/// Accepts connections until told to stop, then aborts the open ones.
async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}
