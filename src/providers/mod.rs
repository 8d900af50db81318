//! Model providers. Pure wire-format parsers (`event`, `openai_chat`) compile for both targets
//! so they can be tested anywhere; the adapters that open network connections or run timers
//! (`openai`, `demo`) are server-only. Every adapter implements [`Provider`] and yields
//! normalized [`ProviderEvent`]s, so nothing above this module knows a provider's wire format.

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
pub use provider::{ModelDiscovery, Provider, ProviderRequest, ProviderSettings, ProviderStream};
