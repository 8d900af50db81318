//! Google Gemini's `streamGenerateContent`: the stream parser ([`stream`]) with its line splitter
//! and chunk reader; behind the `http` feature the adapter ([`http`]).

mod chunk;
mod lines;
pub mod stream;

#[cfg(feature = "http")]
pub mod http;
