//! Model providers, one folder per API family ([`openai`], [`anthropic`], [`gemini`],
//! [`ollama`]). Each family has a pure wire-format parser (a [`StreamParser`]: raw body bytes
//! in, normalized [`ProviderEvent`]s out) that does no I/O, compiles for every target and is
//! tested against recorded streams; and, behind the `http` feature (the server turns it on, the
//! browser bundle never builds it), an adapter that builds the HTTP request and runs it through
//! the shared `http_stream` loop, plus the offline `demo` model. Nothing above this crate knows a
//! provider's wire format.

pub mod anthropic;
pub mod event;
pub mod gemini;
pub mod http_error;
pub mod input;
pub mod ollama;
pub mod openai;
pub mod parser;
mod sse_wire;

#[cfg(feature = "http")]
pub mod demo;
#[cfg(feature = "http")]
pub mod file_parts;
#[cfg(feature = "http")]
pub mod http_stream;
#[cfg(feature = "http")]
mod provider;

pub use event::{ProviderError, ProviderErrorKind, ProviderEvent};
pub use input::{InputFile, InputFileKind, InputMessage};
pub use parser::StreamParser;
#[cfg(feature = "http")]
pub use provider::{
    role_name, ModelDiscovery, Provider, ProviderRequest, ProviderSettings, ProviderStream,
};
