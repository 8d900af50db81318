//! Reading the user an authenticating reverse proxy names in `[auth] trusted_header`
//! (`trusted_header` mode; only asked for requests from a trusted proxy). Every shape of the
//! header gets one deterministic answer ([`named_user`]):
//!
//! - absent, empty or only spaces: nobody (the request is anonymous: 401 for `/api/`, pages
//!   go to sign-in), as for a proxy that names nobody for a visitor it let through;
//! - present more than once: **400**. A proxy that appends to a client's header instead of
//!   replacing it would otherwise let the client choose which name counts;
//! - not UTF-8, or holding invisible characters (zero-width, bidi controls, BOM, soft
//!   hyphen …) that would make a second account look like an existing one: **400**;
//! - otherwise the name as `check_name` takes it (surrounding spaces trimmed, at most 64
//!   characters, no control characters; refusals are **400** with its sentence). The header's
//!   name is matched without regard to case, as HTTP requires.

use crate::account::check_name;
use crate::server::error::AppError;
use axum::http::HeaderMap;

/// The account name the proxy's `header` names in `headers`: `Ok(None)` when it names nobody,
/// `Err` (400 with a sentence) when it is malformed (see the module docs).
pub fn named_user(headers: &HeaderMap, header: &str) -> Result<Option<String>, AppError> {
    let mut values = headers.get_all(header).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(AppError::BadRequest(format!(
            "The proxy sent the {header} header more than once; it must set it, not add to it."
        )));
    }
    let text = std::str::from_utf8(value.as_bytes()).map_err(|_| {
        AppError::BadRequest(format!(
            "The {header} header sent by the proxy is not UTF-8."
        ))
    })?;
    let text = text.trim_matches([' ', '\t']);
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().any(is_invisible) {
        return Err(AppError::BadRequest(format!(
            "The name in the {header} header contains invisible characters."
        )));
    }
    check_name(text).map(Some).map_err(AppError::BadRequest)
}

/// Whether `c` shows nothing, or changes how the text around it shows, without being a
/// control character: the Unicode format characters a name could hide in.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// What `named_user` makes of these `X-Auth-User` values (raw bytes), as a string:
    /// the name, `nobody`, or `400: <sentence>`.
    fn named(values: &[&[u8]]) -> String {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                "x-auth-user",
                HeaderValue::from_bytes(value).expect("value"),
            );
        }
        match named_user(&headers, "X-Auth-User") {
            Ok(Some(name)) => name,
            Ok(None) => "nobody".to_string(),
            Err(error) => {
                assert_eq!(error.status(), 400);
                format!("400: {error}")
            }
        }
    }

    #[test]
    fn each_shape_of_the_header_has_one_answer() {
        assert_eq!(named(&[]), "nobody");
        assert_eq!(named(&[b""]), "nobody");
        assert_eq!(named(&[b" \t "]), "nobody");
        assert_eq!(named(&[b"carol"]), "carol");
        assert_eq!(named(&[b"  carol\t"]), "carol");
        assert_eq!(named(&["Jos\u{e9}".as_bytes()]), "Jos\u{e9}");
        assert!(named(&[b"carol", b"carol"]).contains("more than once"));
        assert!(named(&[b"mallory", b"carol"]).contains("more than once"));
        assert!(named(&[b"", b"carol"]).contains("more than once"));
        assert!(named(&[b"car\xffol"]).contains("not UTF-8"));
        assert!(named(&[b"x".repeat(65).as_slice()]).contains("too long"));
    }

    #[test]
    fn invisible_characters_are_refused() {
        for c in [
            '\u{200B}',
            '\u{200D}',
            '\u{200E}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{2060}',
            '\u{E0041}',
        ] {
            let value = format!("car{c}ol");
            assert!(
                named(&[value.as_bytes()]).contains("invisible"),
                "U+{:04X}",
                c as u32
            );
        }
        assert!(named(&["\u{200B}carol".as_bytes()]).contains("invisible"));
    }

    #[test]
    fn the_header_name_is_matched_without_case() {
        let mut headers = HeaderMap::new();
        headers.insert("x-auth-user", HeaderValue::from_static("carol"));
        for configured in ["X-Auth-User", "x-auth-user", "X-AUTH-USER"] {
            assert_eq!(
                named_user(&headers, configured).expect("valid").as_deref(),
                Some("carol")
            );
        }
    }
}
