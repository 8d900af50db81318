//! The file name of a download: the title made into a short ASCII slug, safe to put inside
//! the quoted `filename="…"` of a `Content-Disposition` header on every operating system.

/// The longest slug, in characters (before the extension).
const MAX_SLUG_CHARS: usize = 60;

/// The name used when nothing of the title survives (an emoji-only or non-Latin title).
const FALLBACK_NAME: &str = "conversation";

/// `"<slug>.<extension>"`: lowercase ASCII letters and digits of `title`, every other run of
/// characters turned into one `-`, no leading or trailing `-`, at most [`MAX_SLUG_CHARS`];
/// `conversation` when nothing is left. Never contains quotes, slashes, spaces or control
/// characters, so it needs no escaping in a header.
pub fn export_filename(title: &str, extension: &str) -> String {
    let mut slug = String::new();
    let mut pending_dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            if slug.len() >= MAX_SLUG_CHARS {
                break;
            }
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { FALLBACK_NAME } else { slug };
    let extension: String = extension
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("{slug}.{extension}")
}
