//! Anthropic's Messages API: the stream parser ([`messages`]) with its content-block assembly and
//! request wire shapes; behind the `http` feature the adapter ([`http`]).

mod blocks;
pub mod messages;
mod wire;

#[cfg(feature = "http")]
pub mod http;
