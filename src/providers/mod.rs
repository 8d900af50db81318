//! Model providers. Each upstream API has a pure wire-format parser (a [`StreamParser`]: raw
//! body bytes in, normalized [`ProviderEvent`]s out) that compiles for both targets and is
//! tested against recorded streams, and a server-only adapter that builds the HTTP request and
//! runs it through the shared [`http_stream`] loop. Nothing above this module knows a
//! provider's wire format.

mod anthropic_blocks;
pub mod anthropic_messages;
mod anthropic_wire;
pub mod event;
pub mod gemini_stream;
pub mod http_error;
pub mod ollama_stream;
pub mod openai_chat;
mod openai_chat_tools;
pub mod openai_responses;
mod openai_responses_tools;
mod openai_stream_error;
pub mod parser;
mod sse_wire;

#[cfg(feature = "ssr")]
pub mod anthropic;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod gemini;
#[cfg(feature = "ssr")]
pub mod http_stream;
#[cfg(feature = "ssr")]
pub mod ollama;
#[cfg(feature = "ssr")]
pub mod openai;
#[cfg(feature = "ssr")]
pub mod openai_responses_http;
#[cfg(feature = "ssr")]
mod provider;

pub use event::{ProviderError, ProviderErrorKind, ProviderEvent};
pub use parser::StreamParser;
#[cfg(feature = "ssr")]
pub use provider::{
    role_content_messages, ModelDiscovery, Provider, ProviderRequest, ProviderSettings,
    ProviderStream,
};
