//! The shape of an answer against the README's samples: SSE frames parsed into named JSON
//! events, and the keys a sample shows looked up in an actual answer.

use serde_json::Value;
use std::collections::BTreeSet;

/// One SSE event: its `event:` name and its `data:` parsed as JSON.
#[derive(Debug)]
pub(super) struct SseEvent {
    /// The `event:` field.
    pub(super) name: String,
    /// The `data:` field as JSON.
    pub(super) data: Value,
}

/// The events of an SSE text (comments and keep-alives skipped).
pub(super) fn sse_events(text: &str) -> Vec<SseEvent> {
    text.split("\n\n")
        .filter_map(|frame| {
            let mut name = None;
            let mut data = String::new();
            for line in frame.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = Some(value.trim().to_string());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim_start());
                }
            }
            let name = name?;
            let data = serde_json::from_str(&data)
                .unwrap_or_else(|e| panic!("event {name}: data is not JSON ({e}): {data}"));
            Some(SseEvent { name, data })
        })
        .collect()
}

/// Asserts that every key of `sample` is in `actual`, recursively through objects.
pub(super) fn assert_has_keys(sample: &Value, actual: &Value, path: &str) {
    let (Value::Object(sample), Value::Object(actual)) = (sample, actual) else {
        return;
    };
    for (key, value) in sample {
        let found = actual
            .get(key)
            .unwrap_or_else(|| panic!("{path}.{key} is in the README's sample, not in {actual:?}"));
        assert_has_keys(value, found, &format!("{path}.{key}"));
    }
}

/// Every object key anywhere in `value`.
pub(super) fn all_keys(value: &Value, keys: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                keys.insert(key.clone());
                all_keys(inner, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| all_keys(item, keys)),
        _ => {}
    }
}

/// The `"key":` names written in a JSON-like sample (which may hold `…` where values go).
pub(super) fn sample_keys(sample: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut rest = sample;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let (word, tail) = (&after[..end], &after[end + 1..]);
        if tail.trim_start().starts_with(':') {
            keys.insert(word.to_string());
        }
        rest = tail;
    }
    keys
}
