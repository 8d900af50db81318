//! The header and idle timeouts of one connection. Hyper's own header timeout also runs while
//! a keep-alive connection waits for its next request, so one value would have to serve as
//! both; and nothing in hyper closes an idle connection. Here both are kept apart:
//!
//! * [`Watched`] wraps the socket and notes the first byte of a request;
//! * [`Activity::request_started`] (called as the request is handed to the app) counts the
//!   request as in flight until its response body has been sent or dropped ([`Tracked`]);
//! * [`Activity::expired`] completes when the connection should be closed: the header was not
//!   complete within the header timeout of the connection's opening or of a later request's
//!   first byte, or nothing came for the idle timeout after the last response. While a
//!   response is in flight (a streaming answer may last an hour) it never completes.
//!
//! A request pipelined behind another whose first bytes arrived with the previous request
//! counts under the idle timeout, not the header timeout: still bounded.

use axum::body::Body;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;
use tokio::time::Instant;

/// The two timeouts a connection is held to.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// Time to send a complete request header.
    pub header: Duration,
    /// Time a connection may wait for its next request with nothing in flight.
    pub idle: Duration,
}

/// Where a connection is in its request/response cycle.
#[derive(Clone, Copy, Debug)]
struct State {
    /// Requests handed to the app whose response is not finished (0 or 1 with HTTP/1.1).
    in_flight: usize,
    /// When the header now being read began (the connection's opening for the first one).
    header_since: Option<Instant>,
    /// When the connection last became idle (its last response finished).
    idle_since: Instant,
}

impl State {
    /// When the connection is to be closed if nothing changes; `None` while a request is in
    /// flight.
    fn deadline(&self, timeouts: Timeouts) -> Option<Instant> {
        if self.in_flight > 0 {
            return None;
        }
        Some(match self.header_since {
            Some(since) => since + timeouts.header,
            None => self.idle_since + timeouts.idle,
        })
    }
}

/// The shared state of one connection; cheap to clone.
#[derive(Clone, Debug)]
pub struct Activity(Arc<watch::Sender<State>>);

impl Activity {
    /// A connection just opened: its first header is due within the header timeout.
    pub fn new() -> Self {
        let now = Instant::now();
        Self(Arc::new(watch::Sender::new(State {
            in_flight: 0,
            header_since: Some(now),
            idle_since: now,
        })))
    }

    /// Bytes arrived: if the connection was idle, a request's header has begun.
    fn bytes_read(&self) {
        self.0.send_if_modified(|state| {
            if state.in_flight == 0 && state.header_since.is_none() {
                state.header_since = Some(Instant::now());
                true
            } else {
                false
            }
        });
    }

    /// A request's header is complete and the request goes to the app; it is in flight until
    /// the returned guard is dropped (move it into the response body with [`Tracked`]).
    pub fn request_started(&self) -> InFlight {
        self.0.send_modify(|state| {
            state.in_flight += 1;
            state.header_since = None;
        });
        InFlight(self.clone())
    }

    /// Completes once the connection has outlived its header or idle timeout.
    pub async fn expired(&self, timeouts: Timeouts) {
        let mut changes = self.0.subscribe();
        loop {
            let deadline = changes.borrow_and_update().deadline(timeouts);
            match deadline {
                Some(deadline) if deadline <= Instant::now() => return,
                Some(deadline) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(deadline) => {}
                        _ = changes.changed() => {}
                    }
                }
                None => {
                    // The sender lives in `self`, so this cannot fail while we wait.
                    if changes.changed().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    }
}

impl Default for Activity {
    fn default() -> Self {
        Self::new()
    }
}

/// Counts one request as in flight while it lives.
#[derive(Debug)]
pub struct InFlight(Activity);

impl Drop for InFlight {
    fn drop(&mut self) {
        (self.0).0.send_modify(|state| {
            state.in_flight = state.in_flight.saturating_sub(1);
            if state.in_flight == 0 {
                state.idle_since = Instant::now();
                state.header_since = None;
            }
        });
    }
}

/// A response body that keeps its request in flight until it has been sent (or dropped).
pub struct Tracked {
    /// The app's body.
    inner: Body,
    /// Released with the body.
    _in_flight: InFlight,
}

impl Tracked {
    /// `inner`, keeping `in_flight` alive as long as it.
    pub fn new(inner: Body, in_flight: InFlight) -> Self {
        Self {
            inner,
            _in_flight: in_flight,
        }
    }
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A socket that tells its connection's [`Activity`] when bytes arrive.
pub struct Watched<S> {
    /// The socket.
    inner: S,
    /// Told of every read that brought bytes.
    activity: Activity,
}

impl<S> Watched<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, activity: Activity) -> Self {
        Self { inner, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.bytes_read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        header: Duration::from_millis(100),
        idle: Duration::from_millis(300),
    };

    /// Asserts `since.elapsed()` is `expected`, give or take the scheduler.
    fn assert_about(since: Instant, expected: Duration) {
        let elapsed = since.elapsed();
        assert!(
            elapsed >= expected && elapsed < expected + Duration::from_millis(80),
            "{elapsed:?} instead of {expected:?}"
        );
    }

    #[tokio::test]
    async fn a_new_connection_must_send_its_header_in_time() {
        let started = Instant::now();
        let activity = Activity::new();
        activity.expired(TIMEOUTS).await;
        assert_about(started, TIMEOUTS.header);
    }

    #[tokio::test]
    async fn nothing_expires_while_a_response_is_in_flight_then_idle_then_header() {
        let activity = Activity::new();
        let in_flight = activity.request_started();
        let waiting = tokio::time::timeout(Duration::from_millis(500), activity.expired(TIMEOUTS));
        assert!(waiting.await.is_err(), "expired during a response");
        drop(in_flight);
        let idle = Instant::now();
        activity.expired(TIMEOUTS).await;
        assert_about(idle, TIMEOUTS.idle);

        // Idle again; after 150 ms a request's first byte arrives: its header is due 100 ms
        // later, before the idle timeout would have run out.
        drop(activity.request_started());
        tokio::time::sleep(Duration::from_millis(150)).await;
        activity.bytes_read();
        let first_byte = Instant::now();
        activity.expired(TIMEOUTS).await;
        assert_about(first_byte, TIMEOUTS.header);
    }
}
