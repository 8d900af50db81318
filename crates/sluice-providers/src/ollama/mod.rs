//! Ollama's native `/api/chat`: the NDJSON stream parser ([`stream`]); behind the `http` feature
//! the adapter and model discovery ([`http`]).

pub mod stream;

#[cfg(feature = "http")]
pub mod http;
