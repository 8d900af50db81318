//! [sqlx] [`Role`] and [`MessageStatus`] as database columns: TEXT holding the lowercase name
//! (`'assistant'`, `'streaming'`), for every database sqlx supports. Written by hand rather than
//! derived because sqlx's derive gives PostgreSQL a named enum type (`role`), which the schema
//! does not have: both backends store plain TEXT with a `CHECK`, so one query text binds the
//! same on both.

use crate::conversation::MessageStatus;
use crate::events::Role;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

/// Implements `Type`, `Encode` and `Decode` for an enum stored as its name: `$name(&str)` gives
/// the stored text, `$parse(&str)` reads it back (`None`: a value the schema's `CHECK` forbids).
macro_rules! text_column {
    ($ty:ty, $name:expr, $parse:expr) => {
        impl<DB: Database> Type<DB> for $ty
        where
            str: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $ty
        where
            &'q str: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                let name: &'static str = $name(*self);
                <&str as Encode<'q, DB>>::encode(name, buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $ty
        where
            &'r str: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<'r, DB>>::decode(value)?;
                $parse(text).ok_or_else(|| format!("unknown {}: {text:?}", stringify!($ty)).into())
            }
        }
    };
}

text_column!(Role, role_name, parse_role);
text_column!(MessageStatus, MessageStatus::as_str, MessageStatus::parse);

/// The stored name of a role.
fn role_name(role: Role) -> &'static str {
    match role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
    }
}

/// A role from its stored name.
fn parse_role(text: &str) -> Option<Role> {
    match text {
        "system" => Some(Role::System),
        "user" => Some(Role::User),
        "assistant" => Some(Role::Assistant),
        _ => None,
    }
}
