//! A tolerant view of JSON that is still arriving (tool-call arguments stream in fragments):
//! [`complete_partial_json`] closes what is open — a string, arrays, objects — and drops a
//! dangling key, colon, comma or half-typed literal, so the text parses and can be shown
//! pretty-printed as it grows. Pure; used by the tool-call view.

/// Closes a JSON prefix so that it parses, or returns what is safe to show; never panics.
pub fn complete_partial_json(prefix: &str) -> String {
    let mut closers: Vec<char> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut out = String::with_capacity(prefix.len() + 8);
    for c in prefix.chars() {
        out.push(c);
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => closers.push('}'),
            '[' => closers.push(']'),
            '}' | ']' => {
                closers.pop();
            }
            _ => {}
        }
    }
    if in_string {
        if escaped {
            out.pop();
        }
        // A dangling \u escape cannot be closed safely: cut it.
        if let Some(pos) = out.rfind("\\u") {
            if out.len() - pos < 6 && !out[pos..].contains('"') {
                out.truncate(pos);
            }
        }
        out.push('"');
    }
    trim_dangling(&mut out, closers.last().copied());
    while let Some(closer) = closers.pop() {
        out.push(closer);
        trim_dangling(&mut out, closers.last().copied());
    }
    out
}

/// Removes what cannot end a value inside the innermost open container: a trailing comma or
/// colon, an object key without a value, or a half-typed `true`/`false`/`null`/number.
fn trim_dangling(out: &mut String, innermost: Option<char>) {
    loop {
        let trimmed_len = out.trim_end().len();
        out.truncate(trimmed_len);
        let Some(last) = out.chars().last() else {
            return;
        };
        match last {
            ',' => {
                out.pop();
            }
            ':' => {
                out.pop();
                drop_trailing_key(out);
            }
            '"' if innermost == Some('}') && ends_with_key(out) => drop_trailing_key(out),
            c if c.is_ascii_alphabetic() || c == '-' || c == '.' || c == '+' => {
                let word_start = out
                    .rfind(|ch: char| !(ch.is_ascii_alphanumeric() || "-.+".contains(ch)))
                    .map_or(0, |i| i + 1);
                let word = &out[word_start..];
                let complete = ["true", "false", "null"].contains(&word)
                    || serde_json::from_str::<serde_json::Number>(word).is_ok();
                if complete {
                    return;
                }
                out.truncate(word_start);
            }
            _ => return,
        }
    }
}

/// True when the string that `out` ends with is an object key (preceded by `{` or `,`).
fn ends_with_key(out: &str) -> bool {
    match string_start(out) {
        Some(start) => matches!(
            out[..start].trim_end().chars().last(),
            Some('{') | Some(',')
        ),
        None => false,
    }
}

/// Removes a trailing quoted key (and the comma before it, if any).
fn drop_trailing_key(out: &mut String) {
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if out.ends_with('"') {
        if let Some(start) = string_start(out) {
            out.truncate(start);
        }
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if out.ends_with(',') {
        out.pop();
    }
}

/// Byte index of the opening quote of the string `out` ends with.
fn string_start(out: &str) -> Option<usize> {
    let bytes = out.as_bytes();
    let mut i = bytes.len().checked_sub(2)?;
    loop {
        if bytes[i] == b'"' {
            let backslashes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
            if backslashes % 2 == 0 {
                return Some(i);
            }
        }
        i = i.checked_sub(1)?;
    }
}

/// Pretty-printed JSON for display: the completed prefix if it parses, else the raw text.
pub fn pretty_partial_json(prefix: &str) -> String {
    if prefix.trim().is_empty() {
        return String::new();
    }
    let completed = complete_partial_json(prefix);
    match serde_json::from_str::<serde_json::Value>(&completed) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or(completed),
        Err(_) => prefix.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(text: &str) -> serde_json::Value {
        serde_json::from_str(&complete_partial_json(text))
            .unwrap_or_else(|e| panic!("{text:?} -> {:?}: {e}", complete_partial_json(text)))
    }

    #[test]
    fn every_prefix_of_real_arguments_parses() {
        let full = r#"{"location": "San Francisco, CA", "units": ["c", "f"], "days": 3, "deep": {"a": [true, null, -1.5e3]}, "q": "say \"hi\" \u00e9"}"#;
        for end in 0..=full.len() {
            if !full.is_char_boundary(end) {
                continue;
            }
            let prefix = &full[..end];
            if prefix.trim().is_empty() {
                continue;
            }
            parses(prefix);
        }
        assert_eq!(
            parses(full),
            serde_json::from_str::<serde_json::Value>(full).unwrap()
        );
    }

    #[test]
    fn growing_values_show_what_has_arrived() {
        assert_eq!(
            parses(r#"{"city": "Par"#),
            serde_json::json!({"city": "Par"})
        );
        assert_eq!(parses(r#"{"a": 1, "b"#), serde_json::json!({"a": 1}));
        assert_eq!(parses(r#"{"a": [1, 2, "#), serde_json::json!({"a": [1, 2]}));
        assert_eq!(parses(r#"{"ok": tr"#), serde_json::json!({}));
    }

    #[test]
    fn garbage_is_shown_raw_not_lost() {
        assert_eq!(pretty_partial_json("not json {"), "not json {");
        assert_eq!(pretty_partial_json(""), "");
        assert!(pretty_partial_json(r#"{"a": 1"#).contains("\"a\": 1"));
    }
}
