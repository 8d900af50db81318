//! A cheap pre-scan of an imported file's text, run before any JSON value is built: one pass
//! over the bytes, allocating nothing, that counts the entries of the top-level `"messages"`
//! list and every JSON value in the file (containers, keys, strings, numbers, literals). A file
//! with too many messages is refused with the same sentence as before, without materialising
//! it; a file with more values than any export of that many messages has (a huge list hidden
//! in an unknown field) is refused too, so the parse that follows is bounded by the message
//! limit, not only by the byte limit. The scan does not validate: text that is not JSON is
//! counted loosely and left for the parser to reject with its own sentence.

use super::import_error::ImportError;

/// JSON values allowed per message (an export has about 20: the message object, its keys,
/// the values and the statistics object), with room for fields later versions may add.
pub const VALUES_PER_MESSAGE: usize = 64;

/// Values allowed besides the messages (the document, its conversation object, …).
const BASE_VALUES: usize = 1024;

/// What a scan counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanCounts {
    /// Entries of the largest top-level `"messages"` list.
    pub messages: usize,
    /// Values of every kind in the whole file (object keys included).
    pub values: usize,
}

/// Refuses `text` when it holds more than `max_messages` messages or more values than
/// [`max_values`] allows for them; see the module documentation.
pub fn check_counts(text: &str, max_messages: usize) -> Result<ScanCounts, ImportError> {
    let counts = scan(text);
    if counts.messages > max_messages {
        return Err(ImportError::TooManyMessages {
            count: counts.messages,
            limit: max_messages,
        });
    }
    let limit = max_values(max_messages);
    if counts.values > limit {
        return Err(ImportError::TooManyValues { limit });
    }
    Ok(counts)
}

/// The most JSON values a file of `max_messages` messages may hold.
pub fn max_values(max_messages: usize) -> usize {
    max_messages
        .saturating_mul(VALUES_PER_MESSAGE)
        .saturating_add(BASE_VALUES)
}

/// Counts `text`'s messages and values in one pass (see [`ScanCounts`]).
pub fn scan(text: &str) -> ScanCounts {
    let bytes = text.as_bytes();
    let mut counts = ScanCounts::default();
    // Nesting depth: 1 inside the root object.
    let mut depth = 0usize;
    // The last string closed at depth 1 was the key "messages" (and a ':' may follow).
    let mut key_is_messages = false;
    // The value being opened at depth 1 belongs to the key "messages".
    let mut value_of_messages = false;
    // Depth of the messages list being counted (its entries are at this depth).
    let mut messages_depth: Option<usize> = None;
    // Entries of that list so far, and whether the next value starts a new entry.
    let mut entries = 0usize;
    let mut expect_entry = false;
    // The previous significant byte, to tell a scalar's first byte from its rest.
    let mut previous = b',';
    let mut at = 0usize;
    while at < bytes.len() {
        let byte = bytes[at];
        let starts_value = matches!(byte, b'{' | b'[' | b'"')
            || (matches!(byte, b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
                && matches!(previous, b':' | b',' | b'['));
        if starts_value {
            counts.values += 1;
            if expect_entry && messages_depth == Some(depth) {
                entries += 1;
                expect_entry = false;
            }
        }
        match byte {
            b'"' => {
                let end = string_end(bytes, at + 1);
                key_is_messages = depth == 1 && &bytes[at + 1..end] == b"messages";
                at = end;
            }
            b'{' | b'[' => {
                depth += 1;
                if byte == b'[' && depth == 2 && value_of_messages {
                    messages_depth = Some(depth);
                    entries = 0;
                    expect_entry = true;
                }
                value_of_messages = false;
            }
            b'}' | b']' => {
                if messages_depth == Some(depth) {
                    counts.messages = counts.messages.max(entries);
                    messages_depth = None;
                    expect_entry = false;
                }
                depth = depth.saturating_sub(1);
            }
            b':' => {
                value_of_messages = depth == 1 && key_is_messages;
                key_is_messages = false;
            }
            b',' => {
                if messages_depth == Some(depth) {
                    expect_entry = true;
                }
                value_of_messages = false;
            }
            _ => {}
        }
        if !byte.is_ascii_whitespace() {
            previous = byte;
        }
        at += 1;
    }
    // A list cut off by the end of the text still counts what it had.
    if messages_depth.is_some() {
        counts.messages = counts.messages.max(entries);
    }
    counts
}

/// The position of the closing quote of the string whose text starts at `from` (skipping
/// backslash escapes), or the end of the text.
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::{check_counts, max_values, scan, ScanCounts};
    use crate::transfer::ImportError;

    #[test]
    fn messages_and_values_are_counted_without_being_fooled_by_strings() {
        let text = r#"{"format": "sluice.conversation", "version": 1,
            "conversation": {"title": "a \"messages\": [1,2,3] , ]"},
            "messages": [{"id": "1", "content": "x, y, [z]"}, {"id": "2", "n": [1, 2]}, 3]}"#;
        let counts = scan(text);
        assert_eq!(counts.messages, 3);
        // Root; "format" and its value; "version" and 1; "conversation", its object, "title"
        // and its value; "messages" and its list; the first message's object, 2 keys and 2
        // values; the second's object, 3 strings, a list and 2 numbers; the number 3.
        assert_eq!(counts.values, 1 + 2 + 2 + 4 + 2 + 5 + 7 + 1);
        assert_eq!(scan(r#"{"messages": []}"#).messages, 0);
        assert_eq!(
            scan(r#"{"a": {"messages": [1, 2]}}"#).messages,
            0,
            "nested key"
        );
        assert_eq!(scan(r#"{"messages": [1, 2, 3"#).messages, 3, "cut off");
        assert_eq!(scan("").values, 0);
        assert_eq!(scan(r#"{"messages": ["\\", "\""]}"#).messages, 2, "escapes");
    }

    #[test]
    fn too_many_messages_are_refused_whatever_follows_them() {
        let text = format!(r#"{{"messages": [{}{{}}], oops"#, "{},".repeat(10));
        assert_eq!(
            check_counts(&text, 10),
            Err(ImportError::TooManyMessages {
                count: 11,
                limit: 10
            })
        );
        assert_eq!(
            check_counts(&text, 11).map(|c| c.messages),
            Ok::<usize, ImportError>(11)
        );
    }

    #[test]
    fn a_huge_list_in_an_unknown_field_is_refused() {
        let text = format!(r#"{{"junk": [{}0], "messages": []}}"#, "[],".repeat(2_000));
        assert_eq!(
            check_counts(&text, 10),
            Err(ImportError::TooManyValues {
                limit: max_values(10)
            })
        );
        assert_eq!(
            scan(r#"{"messages": [{"a": true, "b": null, "c": -1.5e3}]}"#),
            ScanCounts {
                messages: 1,
                values: 1 + 1 + 1 + 1 + 6
            }
        );
    }
}
