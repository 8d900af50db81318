//! Host extraction for click-to-load image buttons, without a URL crate.
//!
//! The host is shown to the user ("Load image from HOST") before anything is
//! fetched, so it must be the host a browser would really contact. The parser
//! is deliberately strict: anything ambiguous yields `None` and the image is
//! blocked instead of shown with a misleading label.

/// Longest host we are willing to display.
const MAX_HOST_LEN: usize = 253;

/// Extracts the lowercase host from the text after `scheme://`.
///
/// The authority ends at the first `/`, `?`, `#` or `\` (browsers treat a
/// backslash as a path separator in http(s) URLs). Userinfo is dropped (the
/// host is what follows the last `@`), then the port. IPv6 literals keep
/// their brackets. Only ASCII letters, digits, `-`, `.` and `_` are accepted
/// in a name: percent-escapes and non-ASCII (homograph) hosts are refused.
pub(crate) fn extract_host(after_slashes: &str) -> Option<String> {
    let authority_end = after_slashes
        .find(['/', '?', '#', '\\'])
        .unwrap_or(after_slashes.len());
    let authority = &after_slashes[..authority_end];
    let host_and_port = match authority.rfind('@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let host = if host_and_port.starts_with('[') {
        let close = host_and_port.find(']')?;
        let literal = &host_and_port[..=close];
        let inside = &literal[1..literal.len() - 1];
        let valid = !inside.is_empty()
            && inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !valid || !is_port_suffix(&host_and_port[close + 1..]) {
            return None;
        }
        literal
    } else {
        let (name, port) = match host_and_port.find(':') {
            Some(colon) => host_and_port.split_at(colon),
            None => (host_and_port, ""),
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        if !valid || !is_port_suffix(port) {
            return None;
        }
        name
    };
    if host.len() > MAX_HOST_LEN {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

/// True for "" or ":digits" (an empty port after the colon is allowed).
fn is_port_suffix(text: &str) -> bool {
    match text.strip_prefix(':') {
        Some(digits) => digits.len() <= 5 && digits.chars().all(|c| c.is_ascii_digit()),
        None => text.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::extract_host;

    #[test]
    fn hosts_are_lowercased_and_stripped_of_userinfo_and_port() {
        assert_eq!(
            extract_host("User:Pw@Example.COM:8080/x").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            extract_host("good.example@evil.example/").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            extract_host("evil.example#@good.example").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            extract_host("good.example\\@evil.example").as_deref(),
            Some("good.example")
        );
        assert_eq!(extract_host("[::1]:80/a").as_deref(), Some("[::1]"));
    }

    #[test]
    fn ambiguous_hosts_are_refused() {
        assert_eq!(extract_host(""), None);
        assert_eq!(extract_host("/path"), None);
        assert_eq!(extract_host("%65vil.example/"), None);
        assert_eq!(extract_host("exam ple.com"), None);
        assert_eq!(extract_host("\u{435}xample.com"), None);
        assert_eq!(extract_host("host:port/"), None);
        assert_eq!(extract_host("[zz]/"), None);
    }
}
