//! The wire codecs' tests, one binary: the SSE decoder and encoder under every split, and the
//! server-function encoding of turn events. The README's literal JSON is pinned separately, in
//! the app's tests/integration/wire_pinned.rs.

mod chat_codec;
mod sse_codec;
