//! The one integration-test binary (needs the `ssr` feature: `make test-rust`).
#![cfg(feature = "ssr")]

mod chat_codec;
mod chat_endpoint;
mod config_loading;
mod conformance_anthropic;
mod conformance_support;
mod markdown;
mod openai_fixtures;
mod sse_codec;
mod stop_disconnect;
mod support;
mod xss_urls;
