//! How server functions receive their arguments: [`ArgsJson`], a JSON body like
//! `server_fn`'s own `Json` (same bytes both ways), except that a body that does not fit is
//! refused with a sentence a person can act on — the field, what it must be, in user terms
//! ("The field `action` must be an object with a `type`, not a number.") — never serde's
//! words with Rust type names. The sentence travels as `server_fn`'s deserialization error,
//! which [`ApiError`](crate::api_error::ApiError) turns into a 400.
//!
//! Self-contained (serde, serde_json, serde_path_to_error, server_fn): wire code.

use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// Arguments as a JSON object in a POST body, refused with a sentence when they do not fit.
pub type ArgsJson = Post<ArgsJsonEncoding>;

/// The encoding behind [`ArgsJson`].
pub struct ArgsJsonEncoding;

impl ContentType for ArgsJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for ArgsJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for ArgsJsonEncoding {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

/// Why a body was refused, as the sentence shown to the caller.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ArgsRefusal(pub String);

impl<T: DeserializeOwned> Decodes<T> for ArgsJsonEncoding {
    type Error = ArgsRefusal;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let mut json = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut json)
            .map_err(|e| ArgsRefusal(refusal(&e.path().to_string(), e.inner())))?;
        json.end().map_err(|e| ArgsRefusal(refusal("", &e)))?;
        Ok(value)
    }
}

/// The sentence for `error`, met at the field `path` (serde_path_to_error's notation,
/// `action.parent_id`, `messages[0].role`; empty or `.` for the body itself).
pub fn refusal(path: &str, error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Eof => "The request body ends before its JSON is complete.".to_string(),
        Category::Syntax | Category::Io => format!(
            "The request body is not valid JSON (line {}, column {}).",
            error.line(),
            error.column()
        ),
        Category::Data => data_refusal(path, &serde_message(error)),
    }
}

/// serde's message without serde_json's " at line L column C".
fn serde_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// The field at `path`, or the body when `path` names none.
fn subject(path: &str) -> String {
    if is_root(path) {
        "The request body".to_string()
    } else {
        format!("The field `{path}`")
    }
}

/// Whether `path` names no field.
fn is_root(path: &str) -> bool {
    path.chars().all(|c| c == '.' || c == '?')
}

/// `name` inside the object at `path`.
fn child(path: &str, name: &str) -> String {
    if is_root(path) {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// The text between the first pair of backticks in `text`.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(&text[start..start + len])
}

/// The sentence for a body that is JSON but does not fit (serde's `message`).
fn data_refusal(path: &str, message: &str) -> String {
    let subject = subject(path);
    if let Some(rest) = message.strip_prefix("missing field ") {
        let name = quoted(rest).unwrap_or("?");
        return format!("The field `{}` is missing.", child(path, name));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = quoted(rest).unwrap_or("?");
        return format!("The field `{}` is not expected here.", child(path, name));
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        let name = quoted(rest).unwrap_or("?");
        return format!("The field `{}` is given twice.", child(path, name));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let value = quoted(rest).unwrap_or("?");
        let accepted = rest
            .split_once(", expected ")
            .map_or("another value", |(_, accepted)| accepted);
        return format!("{subject} cannot be `{value}`: use {accepted}.");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!(
                "{subject} must be {}, not {}.",
                expected_in_words(expected),
                found_in_words(found)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let found = quoted(found).unwrap_or(found);
            return format!(
                "{subject} must be {}, not {found}.",
                expected_in_words(expected)
            );
        }
    }
    if message.starts_with("invalid length ") {
        return format!("{subject} has the wrong number of items.");
    }
    // A type's own refusal is already a sentence for people (serde's own messages are not).
    if message.starts_with(|c: char| c.is_uppercase()) && message.ends_with('.') {
        return message.to_string();
    }
    format!("{subject} is not valid.")
}

/// What serde expected (a type's `expecting` text) in a user's words.
fn expected_in_words(expected: &str) -> &'static str {
    let expected = expected.trim();
    let unsigned = expected.starts_with('u') && expected[1..].chars().all(|c| c.is_ascii_digit())
        || expected == "usize";
    let signed = expected.starts_with('i') && expected[1..].chars().all(|c| c.is_ascii_digit())
        || expected == "isize";
    if unsigned {
        "a whole number, 0 or more"
    } else if signed {
        "a whole number"
    } else if expected == "f32" || expected == "f64" {
        "a number"
    } else if expected.contains("string") || expected.contains("char") {
        "text"
    } else if expected.contains("boolean") || expected == "bool" {
        "true or false"
    } else if expected.starts_with("internally tagged enum") {
        "an object with a `type`"
    } else if expected.contains("sequence") || expected.starts_with("tuple") {
        "a list"
    } else if expected.contains("map") || expected.starts_with("struct") {
        "an object"
    } else if expected == "unit" || expected == "null" {
        "null"
    } else {
        "a value of another kind"
    }
}

/// What serde found (its `Unexpected` text) in a user's words.
fn found_in_words(found: &str) -> &'static str {
    if found.starts_with("integer") || found.starts_with("floating point") {
        "a number"
    } else if found.starts_with("string") || found.starts_with("character") {
        "text"
    } else if found.starts_with("boolean") {
        "true or false"
    } else if found == "sequence" {
        "a list"
    } else if found == "map" {
        "an object"
    } else if found.starts_with("unit") || found == "null" {
        "null"
    } else {
        "something else"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// Arguments shaped like a server function's.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Args {
        name: String,
        #[serde(default)]
        after: u64,
        #[serde(default)]
        action: Option<Action>,
        #[serde(default)]
        messages: Vec<Message>,
    }

    /// An internally tagged enum, as `TurnAction` is.
    #[derive(Debug, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Action {
        Send { content: String },
        Continue { answer_id: String },
    }

    /// A list element.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Message {
        role: String,
    }

    fn refused(body: &str) -> String {
        match <ArgsJsonEncoding as Decodes<Args>>::decode(Bytes::from(body.to_string())) {
            Ok(args) => panic!("{body} was accepted: {args:?}"),
            Err(ArgsRefusal(sentence)) => sentence,
        }
    }

    #[test]
    fn sentences_name_the_field_and_what_it_must_be() {
        let cases = [
            (
                r#"{"name": 5}"#,
                "The field `name` must be text, not a number.",
            ),
            (r#"{}"#, "The field `name` is missing."),
            (
                r#"{"name": "a", "action": 5}"#,
                "The field `action` must be an object with a `type`, not a number.",
            ),
            (
                r#"{"name": "a", "action": {"type": "fly"}}"#,
                "The field `action.type` cannot be `fly`: use `send` or `continue`.",
            ),
            (
                r#"{"name": "a", "action": {"type": "send"}}"#,
                "The field `action.content` is missing.",
            ),
            (
                r#"{"name": "a", "after": -1}"#,
                "The field `after` must be a whole number, 0 or more, not -1.",
            ),
            (
                r#"{"name": "a", "messages": [{"role": true}]}"#,
                "The field `messages[0].role` must be text, not true or false.",
            ),
            (r#""hi""#, "The request body must be an object, not text."),
            (
                "id=a",
                "The request body is not valid JSON (line 1, column 1).",
            ),
            (
                r#"{"name": "a", "af"#,
                "The request body ends before its JSON is complete.",
            ),
            (
                r#"{"name": "a"} x"#,
                "The request body is not valid JSON (line 1, column 15).",
            ),
        ];
        for (body, sentence) in cases {
            assert_eq!(refused(body), sentence, "{body}");
        }
    }

    #[test]
    fn no_sentence_names_a_rust_type() {
        for body in [r#"{"name": "a", "action": 5}"#, r#"{"name": {}}"#, "[]"] {
            let sentence = refused(body);
            for word in [
                "enum",
                "struct",
                "Action",
                "u64",
                "internally",
                "sequence",
                "map",
            ] {
                assert!(!sentence.contains(word), "{sentence}");
            }
        }
    }
}
