//! The request-body timeout of one request. The header and idle timeouts of
//! `connection_watch` stop once a request is handed to the app (its response may stream for
//! an hour), so a client that sends its header in time and then trickles the body, or
//! declares `Content-Length: 1000000` and sends nothing, would otherwise hold its connection
//! forever.
//!
//! [`Deadline::wrap`] wraps a request's body as the request leaves hyper (its header just
//! ended): the whole body must have arrived within the body timeout of that moment. A read of
//! the body that would wait past it fails with an error instead, and the deadline is noted;
//! [`Deadline::answer`] then replaces the app's answer (whatever its extractor made of the
//! error: a 400, a 500 from a server function) with a **408** sentence and
//! `Connection: close`, so hyper closes the connection after it.
//!
//! Only reading the body is timed: a body already complete (every GET, with no body at all)
//! carries no deadline, and once the last byte has been read nothing here can fire, so a
//! response in flight, such as a streaming answer, is never cut.

use axum::body::Body;
use axum::BoxError;
use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use http_body::{Body as HttpBody, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// Whether one request's body missed its deadline; shared by the body and the service.
#[derive(Clone, Debug, Default)]
pub struct Deadline(Arc<AtomicBool>);

impl Deadline {
    /// Wraps `body` so that reading it fails once `timeout` has passed since now.
    pub fn wrap<B>(&self, body: B, timeout: Duration) -> Body
    where
        B: HttpBody<Data = Bytes> + Send + Unpin + 'static,
        B::Error: Into<BoxError>,
    {
        if body.is_end_stream() {
            return Body::new(body);
        }
        Body::new(TimedBody {
            inner: body,
            timer: Box::pin(tokio::time::sleep(timeout)),
            timeout,
            missed: self.clone(),
        })
    }

    /// Whether a read of the body waited past its deadline.
    pub fn missed(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `response`, or the 408 sentence if the body missed its deadline.
    pub fn answer<B>(&self, response: Response<B>, timeout: Duration) -> Response<Body>
    where
        B: HttpBody<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        if !self.missed() {
            return response.map(Body::new);
        }
        too_slow(timeout)
    }
}

/// The 408 answer: a sentence, and the connection closed after it (the rest of the body may
/// still be on its way).
fn too_slow(timeout: Duration) -> Response<Body> {
    let text = format!(
        "The request body arrived too slowly: all of it must arrive within {} seconds of the \
         request header.\n",
        timeout.as_secs_f64()
    );
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CONNECTION, "close"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A request body whose reads fail once its deadline has passed.
struct TimedBody<B> {
    /// hyper's body.
    inner: B,
    /// Fires at the deadline; only polled while a read waits for bytes.
    timer: Pin<Box<Sleep>>,
    /// The timeout, for the error's sentence.
    timeout: Duration,
    /// Set when a read waited past the deadline, so the service answers 408.
    missed: Deadline,
}

impl<B> HttpBody for TimedBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|frame| frame.map_err(Into::into))),
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(()) => {
                    (this.missed).0.store(true, Ordering::Relaxed);
                    Poll::Ready(Some(Err(format!(
                        "the request body did not arrive within {:?}",
                        this.timeout
                    )
                    .into())))
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{BodyExt, StreamBody};

    #[tokio::test]
    async fn a_stalled_body_fails_at_its_deadline_and_a_complete_one_never_does() {
        let stream = futures::stream::pending::<Result<Frame<Bytes>, BoxError>>();
        let deadline = Deadline::default();
        let started = tokio::time::Instant::now();
        let body = deadline.wrap(StreamBody::new(stream), Duration::from_millis(100));
        let read = body.collect().await;
        assert!(read.is_err(), "the stalled body was read");
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(deadline.missed());

        let complete = Deadline::default();
        let body = complete.wrap(Body::from("all here"), Duration::from_millis(1));
        tokio::time::sleep(Duration::from_millis(20)).await;
        let bytes = body.collect().await.map(|c| c.to_bytes());
        assert_eq!(bytes.ok(), Some(Bytes::from("all here")));
        assert!(!complete.missed());
    }
}
