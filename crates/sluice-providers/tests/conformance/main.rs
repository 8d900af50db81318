//! The providers' conformance tests, one binary: every recorded stream in `../shared` through
//! each family's parser under every split of its bytes, malformed and hostile streams, and each
//! HTTP adapter's exact request against a local stand-in server (`--features http`).

mod conformance_anthropic;
#[cfg(feature = "http")]
mod conformance_files_http;
mod conformance_gemini;
#[cfg(feature = "http")]
mod conformance_gemini_http;
mod conformance_ollama;
mod conformance_openai_responses;
#[cfg(feature = "http")]
mod conformance_openai_responses_http;
mod conformance_support;
mod openai_chat_extras;
mod openai_fixtures;

/// The shared-fixtures helper of the app's integration tests (one copy, several test binaries).
#[path = "../../../../tests/integration/support/shared_fixtures.rs"]
pub mod shared_fixtures;

/// Under the path the tests use in the app's binary.
mod support {
    pub use super::shared_fixtures;
}
