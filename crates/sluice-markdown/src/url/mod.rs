//! URL allow-listing for model-written links and images.
//!
//! Model output is hostile input: a link destination may try `javascript:`,
//! `data:text/html`, control characters hidden inside the scheme, HTML
//! entities, or percent-encoding. This module decides, without a URL crate,
//! whether a destination may become a clickable `href` ([`safe_link_href`])
//! and how an image may be shown ([`image_source`]). Both err on the side of
//! refusing: anything that is not clearly allowed is rejected.

pub(crate) mod host;

use crate::url::host::extract_host;

/// How an image may be displayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    /// A `data:image/{png,jpeg,gif,webp}` URL: no network access, shown inline.
    InlineData(String),
    /// A remote image: shown only after the user clicks "Load image from HOST".
    ClickToLoad {
        /// The URL to load on click (http or https).
        url: String,
        /// Lowercase host shown on the button so the user knows who is contacted.
        host: String,
    },
    /// Not displayable at all (script schemes, SVG, relative paths, …).
    Blocked,
}

/// Schemes a clickable link may use. Everything else is refused.
const ALLOWED_LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Raster image types that may be shown inline from a `data:` URL.
/// SVG is excluded on purpose: it can carry scripts.
const INLINE_IMAGE_TYPES: [&str; 5] = ["png", "jpeg", "jpg", "gif", "webp"];

/// Returns the cleaned destination if it is safe to use as an `href`, `None`
/// when the link must be rendered inert.
///
/// Cleaning removes every C0 control character and DEL anywhere (browsers drop
/// tab/CR/LF inside URLs, so `jav\tascript:` would otherwise run), then trims
/// leading/trailing whitespace including NBSP. The scheme is detected on a
/// copy that is additionally HTML-entity-decoded and percent-decoded, so
/// `&#x6A;avascript:` or `javascript%3A` are refused even if a caller forgot
/// to decode. Allowed: `http:`, `https:`, `mailto:`, relative paths, `?query`
/// and `#fragment`. An empty destination is refused (it would only reload the
/// page).
pub fn safe_link_href(raw: &str) -> Option<String> {
    let cleaned = clean_url(raw);
    if cleaned.is_empty() {
        return None;
    }
    let detection = clean_url(&percent_decode(&decode_char_refs(&cleaned)));
    match scheme_of(&detection) {
        Some(scheme) if ALLOWED_LINK_SCHEMES.contains(&scheme.as_str()) => Some(cleaned),
        Some(_) => None,
        None => Some(cleaned),
    }
}

/// Decides how an image destination may be displayed. Remote images are
/// never loaded automatically (they can exfiltrate conversation data in the
/// query string): `http(s)` and protocol-relative `//host` URLs become
/// [`ImageSource::ClickToLoad`] with the lowercase host for the button label.
/// Only `data:image/{png,jpeg,gif,webp}` (optionally `;base64`) is inline.
/// Everything else, including relative paths (which would hit our own
/// origin), SVG and `javascript:`, is [`ImageSource::Blocked`].
pub fn image_source(raw: &str) -> ImageSource {
    let cleaned = clean_url(raw);
    if let Some(after_slashes) = cleaned.strip_prefix("//") {
        let url = format!("https:{cleaned}");
        return click_to_load(url, after_slashes);
    }
    let detection = clean_url(&percent_decode(&decode_char_refs(&cleaned)));
    let Some(scheme) = scheme_of(&detection) else {
        return ImageSource::Blocked;
    };
    // Work on the cleaned text itself from here on: it is what a browser
    // would be handed, so the host we display is the host it would contact.
    let Some(rest) = strip_scheme(&cleaned, &scheme) else {
        return ImageSource::Blocked;
    };
    match scheme.as_str() {
        "http" | "https" => match rest.strip_prefix("//") {
            Some(after_slashes) => click_to_load(cleaned.clone(), after_slashes),
            None => ImageSource::Blocked,
        },
        "data" if is_inline_raster(rest) => ImageSource::InlineData(cleaned.clone()),
        _ => ImageSource::Blocked,
    }
}

/// Builds a click-to-load source when the authority yields a displayable host.
fn click_to_load(url: String, after_slashes: &str) -> ImageSource {
    match extract_host(after_slashes) {
        Some(host) => ImageSource::ClickToLoad { url, host },
        None => ImageSource::Blocked,
    }
}

/// True for `image/<raster>[;base64],...` (the part after `data:`).
fn is_inline_raster(after_scheme: &str) -> bool {
    let Some((media, _payload)) = after_scheme.split_once(',') else {
        return false;
    };
    let media = media.to_ascii_lowercase();
    let media = media.strip_suffix(";base64").unwrap_or(&media);
    match media.strip_prefix("image/") {
        Some(kind) => INLINE_IMAGE_TYPES.contains(&kind),
        None => false,
    }
}

/// Removes C0 controls and DEL everywhere and trims surrounding whitespace
/// (Unicode `White_Space`, which includes NBSP).
pub(crate) fn clean_url(raw: &str) -> String {
    let without_controls: String = raw.chars().filter(|c| !(c.is_ascii_control())).collect();
    without_controls.trim().to_string()
}

/// Lowercase scheme if the text has one: a `:` that comes before any of
/// `/`, `?`, `#`. Any such prefix counts as a scheme (even with characters a
/// real scheme may not contain), so that unusual prefixes are refused rather
/// than allowed.
fn scheme_of(text: &str) -> Option<String> {
    let end = text.find([':', '/', '?', '#'])?;
    if text[end..].starts_with(':') {
        Some(text[..end].to_ascii_lowercase())
    } else {
        None
    }
}

/// The text after `scheme:` if the raw text literally starts with it.
fn strip_scheme<'a>(cleaned: &'a str, scheme: &str) -> Option<&'a str> {
    let head = cleaned.get(..scheme.len())?;
    if head.eq_ignore_ascii_case(scheme) {
        cleaned[scheme.len()..].strip_prefix(':')
    } else {
        None
    }
}

/// Decodes `%XX` escapes (used only for scheme detection). Invalid escapes
/// stay as they are; non-UTF-8 results are replaced lossily.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let decoded = match (bytes[index], bytes.get(index + 1), bytes.get(index + 2)) {
            (b'%', Some(high), Some(low)) => hex_pair(*high, *low),
            _ => None,
        };
        match decoded {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Value of two hex digits.
fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let high = (high as char).to_digit(16)?;
    let low = (low as char).to_digit(16)?;
    u8::try_from(high * 16 + low).ok()
}

/// Decodes numeric character references (`&#106;`, `&#x6A;`, with or
/// without the `;`) and the few named ones used to hide a scheme. Used only
/// for scheme detection, as defence in depth: pulldown-cmark already decodes
/// entities in link destinations.
fn decode_char_refs(text: &str) -> String {
    const NAMED: [(&str, char); 5] = [
        ("&colon;", ':'),
        ("&tab;", '\t'),
        ("&newline;", '\n'),
        ("&nbsp;", '\u{a0}'),
        ("&sol;", '/'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        if let Some((value, used)) = numeric_char_ref(rest) {
            out.push(value);
            rest = &rest[used..];
            continue;
        }
        let named = NAMED.iter().find(|(name, _)| {
            rest.get(..name.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(name))
        });
        match named {
            Some((name, value)) => {
                out.push(*value);
                rest = &rest[name.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses `&#NNN;` / `&#xHH;` (semicolon optional) at the start of `text`,
/// returning the character and the number of bytes consumed.
fn numeric_char_ref(text: &str) -> Option<(char, usize)> {
    let after_hash = text.strip_prefix("&#")?;
    let (radix, digits_start) = match after_hash.as_bytes().first() {
        Some(b'x') | Some(b'X') => (16, 3),
        _ => (10, 2),
    };
    let digits: &str = &text[digits_start..];
    let digit_len = digits
        .char_indices()
        .find(|(_, c)| !c.is_digit(radix))
        .map_or(digits.len(), |(i, _)| i);
    if digit_len == 0 || digit_len > 8 {
        return None;
    }
    let value = u32::from_str_radix(&digits[..digit_len], radix).ok()?;
    let value = char::from_u32(value).unwrap_or('\u{fffd}');
    let mut used = digits_start + digit_len;
    if text[used..].starts_with(';') {
        used += 1;
    }
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_detection_needs_colon_before_path() {
        assert_eq!(scheme_of("http://x"), Some("http".to_string()));
        assert_eq!(scheme_of("./a:b"), None);
        assert_eq!(scheme_of("a?b:c"), None);
    }

    #[test]
    fn char_refs_decode_hex_decimal_and_named() {
        assert_eq!(decode_char_refs("&#x6A;a&#106&colon;"), "jaj:");
        assert_eq!(decode_char_refs("a & b"), "a & b");
    }

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%3Ab%zz%"), "a:b%zz%");
    }
}
