//! The Markdown engine's integration tests, one binary: the incremental-rendering invariant at
//! every split, open containers, code and math, and hostile input (XSS payloads, URLs). Pure:
//! `cargo test -p sluice-markdown` runs them without building the app.

mod markdown;
mod markdown_code_math;
mod markdown_open_containers;
mod markdown_splits;
mod xss_urls;

/// The shared-fixtures helper of the app's integration tests (one copy, several test binaries).
#[path = "../../../../tests/integration/support/shared_fixtures.rs"]
pub mod shared_fixtures;

/// Under the path the tests use in the app's binary.
mod support {
    pub use super::shared_fixtures;
}
