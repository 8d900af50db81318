//! [ssr] Text as each backend can store it. PostgreSQL's `text` cannot hold the NUL character
//! (U+0000); SQLite can. On PostgreSQL every NUL in text the store writes (messages, answers,
//! titles, system prompts, presets, errors) becomes U+FFFD, the replacement character, so a
//! hostile or broken input or provider stream is stored (one invisible character changed)
//! instead of failing the whole write. Everything else is stored byte for byte.

use super::db::Backend;
use std::borrow::Cow;

/// `text` as `backend` stores it (see the module documentation).
pub(crate) fn storable(backend: Backend, text: &str) -> Cow<'_, str> {
    match backend {
        Backend::Postgres if text.contains('\0') => Cow::Owned(text.replace('\0', "\u{FFFD}")),
        _ => Cow::Borrowed(text),
    }
}

/// [`storable`] for an optional text.
pub(crate) fn storable_opt(backend: Backend, text: Option<&str>) -> Option<Cow<'_, str>> {
    text.map(|text| storable(backend, text))
}

#[cfg(test)]
mod tests {
    use super::{storable, Backend};

    #[test]
    fn only_postgresql_replaces_nul() {
        assert_eq!(storable(Backend::Sqlite, "a\0b"), "a\0b");
        assert_eq!(storable(Backend::Postgres, "a\0b\0"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(storable(Backend::Postgres, "plain"), "plain");
    }
}
