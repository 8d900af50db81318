//! OpenAI and every server that speaks its APIs: the Chat Completions parser ([`chat`], with its
//! tool-call assembly and in-stream errors) and the Responses parser ([`responses`]); behind the
//! `http` feature their adapters ([`chat_http`], [`responses_http`]).

pub mod chat;
mod chat_tools;
pub mod responses;
mod responses_tools;
mod stream_error;

#[cfg(feature = "http")]
pub mod chat_http;
#[cfg(feature = "http")]
pub mod responses_http;
