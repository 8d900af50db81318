//! Names of uploaded files: what an upload's `?name=` may be ([`clean_upload_name`]: the last
//! path segment, control and direction-override characters dropped, trimmed, at most
//! [`MAX_NAME_CHARS`]) and the `Content-Disposition` a download carries
//! ([`content_disposition`]: an ASCII `filename` for old clients and the exact name as RFC 6266
//! / RFC 5987 `filename*=UTF-8''…`).

use crate::server::error::AppError;

/// Longest file name kept, in characters (what common file systems allow).
pub const MAX_NAME_CHARS: usize = 255;

/// The refusal of an upload without a usable name.
pub const NAME_MISSING: &str =
    "The upload needs a file name: send it as ?name=… (percent-encoded).";

/// Whether `c` may not appear in a stored name: control characters (a forged line in a log or
/// header) and the bidirectional overrides that make `gpj.exe` look like `exe.jpg`.
fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The name to store for an upload named `raw`: its last path segment (a browser may send
/// `C:\fakepath\x.png`), forbidden characters dropped, trimmed; refused when nothing is left
/// (or only `.`/`..`) or when longer than [`MAX_NAME_CHARS`].
pub fn clean_upload_name(raw: &str) -> Result<String, AppError> {
    let segment = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = segment.chars().filter(|c| !is_forbidden(*c)).collect();
    let name = cleaned.trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(AppError::BadRequest(NAME_MISSING.to_string()));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::BadRequest(format!(
            "The file name is too long: at most {MAX_NAME_CHARS} characters."
        )));
    }
    Ok(name.to_string())
}

/// The `Content-Disposition` of a download of `name`: `inline` (shown in the browser: images)
/// or `attachment` (saved), with an ASCII fallback name (anything else, quotes and
/// backslashes become `_`) and the exact name percent-encoded as UTF-8.
pub fn content_disposition(name: &str, inline: bool) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let fallback: String = name
        .chars()
        .map(|c| {
            if c == ' ' || (c.is_ascii_graphic() && c != '"' && c != '\\') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        // RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~", everything else %XX.
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::{clean_upload_name, content_disposition, MAX_NAME_CHARS};

    #[test]
    fn names_keep_their_last_segment_without_control_or_override_characters() {
        assert_eq!(clean_upload_name(" notes.md ").unwrap(), "notes.md");
        assert_eq!(
            clean_upload_name("C:\\fakepath\\shot.png").unwrap(),
            "shot.png"
        );
        assert_eq!(clean_upload_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            clean_upload_name("a\r\nb\u{202E}gpj.exe").unwrap(),
            "abgpj.exe"
        );
        for bad in ["", "   ", "dir/", "..", "x/.", "\u{0007}"] {
            assert!(clean_upload_name(bad).is_err(), "{bad:?}");
        }
        let long = "é".repeat(MAX_NAME_CHARS + 1);
        assert!(clean_upload_name(&long)
            .unwrap_err()
            .to_string()
            .contains("at most 255 characters"));
        assert!(clean_upload_name(&"é".repeat(MAX_NAME_CHARS)).is_ok());
    }

    #[test]
    fn the_disposition_has_an_ascii_fallback_and_the_exact_utf8_name() {
        assert_eq!(
            content_disposition("a \"b\"\\c.txt", false),
            "attachment; filename=\"a _b__c.txt\"; filename*=UTF-8''a%20%22b%22%5Cc.txt"
        );
        assert_eq!(
            content_disposition("Übersicht;1.png", true),
            "inline; filename=\"_bersicht;1.png\"; filename*=UTF-8''%C3%9Cbersicht%3B1.png"
        );
    }
}
