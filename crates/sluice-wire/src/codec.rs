//! The `text/event-stream` output encoding for server functions.
//!
//! `server_fn` 0.8 has no SSE codec, so this module adds one. On the server a
//! [`ChatEventStream`] is written as SSE frames (`id:` sequence number, `event:` kind, `data:`
//! JSON, plus `: keep-alive` comments); in the browser the same type is rebuilt from the fetch
//! body with the byte-level [`SseDecoder`], so frames split anywhere — mid-frame, mid-UTF-8
//! character, between `\r` and `\n` — decode exactly once and in order.

use crate::events::ChatEvent;
use crate::sse::{encode_comment, encode_event, SseDecoder, SseItem};
use bytes::Bytes;
use futures::{stream, Stream, StreamExt};
use http::Method;
use server_fn::{
    codec::{Encoding, FromRes, IntoRes},
    error::{FromServerFnError, ServerFnErrorErr},
    response::{ClientRes, TryRes},
    ContentType, ServerFnError,
};
use std::{collections::VecDeque, fmt, pin::Pin};

/// Marker type naming the SSE encoding in `#[server(output = EventStream)]`.
pub struct EventStream;

impl ContentType for EventStream {
    const CONTENT_TYPE: &'static str = "text/event-stream";
}

impl Encoding for EventStream {
    const METHOD: Method = Method::POST;
}

/// One item of an event stream: a sequenced event or a keep-alive.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamItem {
    /// A chat event with its per-turn sequence number (the SSE `id:`).
    Event {
        /// Position of the event in its turn, starting at 1; lets a reader spot gaps.
        seq: u64,
        /// The event itself.
        event: ChatEvent,
    },
    /// A comment sent while the upstream is silent so proxies keep the connection open.
    KeepAlive,
}

/// A typed stream of [`StreamItem`]s, the return type of streaming server functions.
pub struct ChatEventStream<E = ServerFnError>(
    /// Boxed so the server function's concrete stream type stays private to the server.
    Pin<Box<dyn Stream<Item = Result<StreamItem, E>> + Send>>,
);

impl<E> fmt::Debug for ChatEventStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ChatEventStream").finish()
    }
}

impl<E: 'static> ChatEventStream<E> {
    /// Wraps a stream of items that cannot fail.
    pub fn new(items: impl Stream<Item = StreamItem> + Send + 'static) -> Self {
        Self(Box::pin(items.map(Ok)))
    }

    /// Gives back the inner stream.
    pub fn into_inner(self) -> impl Stream<Item = Result<StreamItem, E>> + Send {
        self.0
    }
}

/// The SSE `id:` of a `stored` event, which ends a resumed stream of a finished turn.
pub const STORED_EVENT_ID: &str = "end";

/// Writes one item as SSE bytes.
pub fn encode_item(item: &StreamItem) -> Bytes {
    let mut out = String::new();
    match item {
        StreamItem::Event { seq, event } => {
            let data = serde_json::to_string(event).unwrap_or_else(|_| {
                r#"{"type":"error","message":"The server could not encode an event."}"#.to_string()
            });
            if matches!(event, ChatEvent::Stored { .. }) {
                // Not part of the turn's sequence: an EventSource that reconnects after it
                // sends `Last-Event-ID: end` and is told (204) that nothing more will come.
                out.push_str(&format!("id: {STORED_EVENT_ID}\n"));
                encode_event(&mut out, None, event.kind(), &data);
            } else {
                encode_event(&mut out, Some(*seq), event.kind(), &data);
            }
        }
        StreamItem::KeepAlive => encode_comment(&mut out, "keep-alive"),
    }
    Bytes::from(out)
}

impl<E, Response> IntoRes<EventStream, Response, E> for ChatEventStream<E>
where
    Response: TryRes<E>,
    E: FromServerFnError + Send + 'static,
{
    async fn into_res(self) -> Result<Response, E> {
        let frames = self.0.map(|item| {
            let item = item.unwrap_or_else(|_| StreamItem::Event {
                seq: 0,
                event: ChatEvent::Error {
                    message: "The server failed while streaming the answer.".to_string(),
                },
            });
            Ok::<Bytes, Bytes>(encode_item(&item))
        });
        // `fuse` so nothing polls the stream after it ended (tower-http #732).
        Response::try_from_stream(EventStream::CONTENT_TYPE, frames.fuse())
    }
}

/// Incremental SSE-to-[`StreamItem`] decoder, independent of any transport.
#[derive(Default)]
pub struct ItemDecoder {
    /// Byte-level SSE parser holding any partial line between chunks.
    sse: SseDecoder,
}

impl ItemDecoder {
    /// Decodes the items completed by this chunk of bytes.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<StreamItem, String>> {
        self.sse.push(bytes).into_iter().map(to_item).collect()
    }

    /// Decodes what remains at end of body (a final frame missing its blank line).
    pub fn finish(&mut self) -> Vec<Result<StreamItem, String>> {
        self.sse.finish().into_iter().map(to_item).collect()
    }
}

/// Converts one SSE item into a typed item, or a description of what was wrong.
fn to_item(item: SseItem) -> Result<StreamItem, String> {
    match item {
        SseItem::Comment(_) => Ok(StreamItem::KeepAlive),
        SseItem::Event(frame) => {
            let event: ChatEvent = serde_json::from_str(&frame.data)
                .map_err(|e| format!("malformed event from server: {e}"))?;
            let seq = frame
                .id
                .as_deref()
                .and_then(|id| id.parse().ok())
                .unwrap_or(0);
            Ok(StreamItem::Event { seq, event })
        }
    }
}

/// Turns a body of SSE bytes into typed items (used by the browser and by Rust clients).
pub fn decode_body<E>(
    body: impl Stream<Item = Result<Bytes, E>> + Send + 'static,
) -> impl Stream<Item = Result<StreamItem, E>> + Send
where
    E: FromServerFnError + Send + 'static,
{
    struct State<S, E> {
        body: Pin<Box<S>>,
        decoder: ItemDecoder,
        ready: VecDeque<Result<StreamItem, E>>,
        ended: bool,
    }
    let state = State {
        body: Box::pin(body),
        decoder: ItemDecoder::default(),
        ready: VecDeque::new(),
        ended: false,
    };
    let to_err =
        |message: String| E::from_server_fn_error(ServerFnErrorErr::Deserialization(message));
    stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.ready.pop_front() {
                return Some((item, state));
            }
            if state.ended {
                return None;
            }
            match state.body.next().await {
                Some(Ok(bytes)) => {
                    let items = state.decoder.push(&bytes);
                    state
                        .ready
                        .extend(items.into_iter().map(|r| r.map_err(to_err)));
                }
                Some(Err(error)) => {
                    state.ended = true;
                    state.ready.push_back(Err(error));
                }
                None => {
                    state.ended = true;
                    let items = state.decoder.finish();
                    state
                        .ready
                        .extend(items.into_iter().map(|r| r.map_err(to_err)));
                }
            }
        }
    })
}

impl<E, Response> FromRes<EventStream, Response, E> for ChatEventStream<E>
where
    Response: ClientRes<E> + Send,
    E: FromServerFnError + Send + 'static,
{
    async fn from_res(res: Response) -> Result<Self, E> {
        let body = res.try_into_stream()?.map(|chunk| chunk.map_err(E::de));
        Ok(ChatEventStream(Box::pin(decode_body(body))))
    }
}
