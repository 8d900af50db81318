//! The ids that cross the wire, one type each: [`ConversationId`], [`MessageId`], [`TurnId`],
//! [`PresetId`], [`FolderId`] and [`AttachmentId`]. Each is a `String` underneath and on the wire (`#[serde(transparent)]`,
//! so the JSON is the bare string, byte for byte as before) and in the database (`sqlx`
//! feature: `sqlx(transparent)`). The types only stop one kind of id being passed where
//! another is expected; they do not validate: an id is whatever text a client sent, and the
//! store decides (malformed ids are simply not found).

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// Defines one id newtype over `String` with the conversions every id shares.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(String);

        impl $name {
            /// Wraps `id` as it is (no check: see the module doc).
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Reads as its text wherever a `&str` is expected (the inverse is never implicit).
        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// So maps keyed by this id can be searched with a `&str`.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }
    };
}

string_id!(
    /// A stored conversation (a UUID; the `/c/{id}` of its page).
    ConversationId
);

string_id!(
    /// A stored message, the user's or an answer (a UUID); also a message's `parent_id`.
    MessageId
);

string_id!(
    /// One live generation on the server (`started.turn_id`): what Stop and resume name.
    TurnId
);

string_id!(
    /// A user's saved preset (a UUID).
    PresetId
);

string_id!(
    /// A user's folder of conversations in the sidebar (a UUID).
    FolderId
);

string_id!(
    /// An uploaded file (a UUID): `GET /api/attachments/{id}` serves it to its owner.
    AttachmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_bare_string_on_the_wire() {
        let id = ConversationId::from("1d2e");
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("\"1d2e\""));
        let back: MessageId = serde_json::from_str("\"c3f9…\"").expect("a string id");
        assert_eq!(back.as_str(), "c3f9…");
        let none: Option<TurnId> = serde_json::from_str("null").expect("null");
        assert_eq!(none, None);
    }

    #[test]
    fn an_id_is_any_text_not_only_a_uuid() {
        for raw in ["", "not-a-uuid", " 1d2e ", "\u{0}"] {
            let id: PresetId = serde_json::from_str(&serde_json::to_string(raw).expect("json"))
                .expect("any string is an id");
            assert_eq!(id, raw);
        }
        assert!(
            serde_json::from_str::<PresetId>("5").is_err(),
            "a number is not an id"
        );
    }

    #[test]
    fn display_and_conversions_keep_the_text() {
        let id = TurnId::new("6f0c");
        assert_eq!(id.to_string(), "6f0c");
        assert_eq!(&*id, "6f0c");
        assert_eq!(String::from(id.clone()), "6f0c");
        assert_eq!(id.into_string(), "6f0c");
    }
}
