//! The one integration-test binary (needs the `ssr` feature: `make test-rust`).
#![cfg(feature = "ssr")]

mod accounts;
mod chat_codec;
mod chat_endpoint;
mod config_loading;
mod conformance_anthropic;
mod conformance_gemini;
mod conformance_gemini_http;
mod conformance_ollama;
mod conformance_openai_responses;
mod conformance_openai_responses_http;
mod conformance_support;
mod conversation_pages;
mod crash_recovery;
mod hostile_requests;
mod isolation;
mod limits;
mod markdown;
mod markdown_code_math;
mod markdown_open_containers;
mod markdown_splits;
mod openai_chat_extras;
mod openai_fixtures;
mod presets;
mod resumable_turns;
mod security_headers;
mod sse_codec;
mod stop_disconnect;
mod store;
mod stored_turns;
mod support;
mod transfer;
mod transfer_format;
mod turn_faults;
mod wire_pinned;
mod xss_urls;
