//! Text and code files: UTF-8 only, the byte-order mark stripped, NUL and other encodings
//! refused, capped.

use sluice_attachments::{prepare, Limits, Refusal};
use sluice_wire::attachments::AttachmentKind;

#[test]
fn rust_source_is_accepted_as_text() {
    let source = "fn main() {\n    println!(\"héllo\");\n}\n";
    let prepared = prepare("main.rs", source.as_bytes(), &Limits::default()).expect("accepted");
    assert_eq!(prepared.kind, AttachmentKind::Text);
    assert_eq!(prepared.content_type, "text/plain; charset=utf-8");
    assert_eq!(prepared.bytes, source.as_bytes());
    assert_eq!(prepared.text.as_deref(), Some(source));
    assert_eq!(
        (prepared.width, prepared.height, prepared.pages),
        (None, None, None)
    );
}

#[test]
fn other_text_names_are_accepted() {
    for name in [
        "notes.txt",
        "README.md",
        "data.csv",
        "conf.toml",
        "a.yaml",
        "x.json",
        "Makefile",
    ] {
        let prepared = prepare(name, b"key = 1\n", &Limits::default()).expect(name);
        assert_eq!(prepared.kind, AttachmentKind::Text, "{name}");
    }
}

#[test]
fn code_mentioning_svg_is_still_text() {
    let tsx =
        "export const Icon = () => (\n  <svg viewBox=\"0 0 10 10\"><path d=\"M0 0\"/></svg>\n);\n";
    let prepared = prepare("Icon.tsx", tsx.as_bytes(), &Limits::default()).expect("accepted");
    assert_eq!(prepared.text.as_deref(), Some(tsx));
}

#[test]
fn byte_order_mark_is_stripped() {
    let prepared = prepare("bom.csv", b"\xEF\xBB\xBFa,b\n1,2\n", &Limits::default()).unwrap();
    assert_eq!(prepared.bytes, b"a,b\n1,2\n");
    assert_eq!(prepared.text.as_deref(), Some("a,b\n1,2\n"));
}

#[test]
fn text_with_nul_is_refused() {
    let refusal = prepare("dump.txt", b"abc\0def", &Limits::default()).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "dump.txt cannot be attached: its bytes are binary data (it contains NUL bytes), and Sluice takes only images (PNG, JPEG, GIF, WebP), PDFs, and text or code files."
    );
}

#[test]
fn invalid_utf8_is_refused() {
    // "café" in Latin-1.
    let refusal = prepare("latin1.txt", b"caf\xE9\n", &Limits::default()).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::NotUtf8 {
            name: "latin1.txt".into()
        }
    );
    assert_eq!(
        refusal.to_string(),
        "latin1.txt is not UTF-8 text: save it as UTF-8 and attach it again."
    );
}

#[test]
fn text_over_the_limit_is_refused() {
    let limits = Limits::default();
    let at_limit = "a".repeat(limits.max_text_bytes);
    assert!(prepare("ok.log", at_limit.as_bytes(), &limits).is_ok());
    let over = "a".repeat(limits.max_text_bytes + 1);
    let refusal = prepare("big.log", over.as_bytes(), &limits).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "big.log is too long: text files may hold up to 1 MiB of text."
    );
    assert!(refusal.is_size_limit());
}
