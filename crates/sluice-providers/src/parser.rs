//! The [`StreamParser`] trait: a provider's wire format turned into [`ProviderEvent`]s, fed raw
//! body bytes in whatever pieces the network delivers. Parsers are pure (no I/O), compile for
//! both targets, and are what the fixture conformance tests exercise.

use crate::ProviderEvent;

/// Incremental parser of one provider response body.
pub trait StreamParser: Send {
    /// Parses the events completed by this piece of the body (any split, even mid-UTF-8).
    fn push_bytes(&mut self, bytes: &[u8]) -> Vec<ProviderEvent>;

    /// The body ended: flushes what is pending and reports a stream cut short as an error.
    fn finish(&mut self) -> Vec<ProviderEvent>;

    /// True once the stream's own terminator was seen; the rest of the body can be ignored.
    fn is_done(&self) -> bool;
}
