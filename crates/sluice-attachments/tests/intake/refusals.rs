//! Refusals by sniffing: active markup (by name and by content), renamed files, oversized and
//! empty uploads, archives and programs.

use crate::support::*;
use image::{DynamicImage, ImageFormat};
use sluice_attachments::{prepare, Limits, Refusal};

/// The sentence `prepare` refuses `bytes` named `name` with (panics if accepted).
fn refused(name: &str, bytes: &[u8]) -> String {
    prepare(name, bytes, &Limits::default())
        .expect_err("should be refused")
        .to_string()
}

const SVG_WITH_SCRIPT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- drawn by hand -->
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <script>fetch('/api/attachments').then(r => r.text()).then(alert)</script>
</svg>"#;

#[test]
fn svg_with_script_is_refused_by_name_and_by_content() {
    let sentence = "logo.svg is an SVG image, which can carry scripts: Sluice does not accept SVG or HTML files (attach a PNG or JPEG image, or the text as a .txt file).";
    assert_eq!(refused("logo.svg", SVG_WITH_SCRIPT.as_bytes()), sentence);
    assert_eq!(
        refused("logo.txt", SVG_WITH_SCRIPT.as_bytes()),
        sentence.replace("logo.svg", "logo.txt")
    );
    // A bare `<svg` root without an XML declaration, a byte-order mark before it.
    assert_eq!(
        refused("icon", "\u{FEFF}  <SVG onload=\"alert(1)\"/>".as_bytes()),
        sentence.replace("logo.svg", "icon")
    );
}

#[test]
fn html_renamed_png_is_refused_as_a_mismatch() {
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    assert_eq!(
        refused("cat.png", html),
        "cat.png is not a PNG image: its bytes are HTML text."
    );
}

#[test]
fn html_is_refused_even_as_text() {
    let sentence = "page.txt is an HTML page, which can carry scripts: Sluice does not accept SVG or HTML files (attach a PNG or JPEG image, or the text as a .txt file).";
    assert_eq!(
        refused("page.txt", b"\n<!-- x -->\n<html><p>hi</p></html>"),
        sentence
    );
    assert_eq!(refused("page.txt", b"<script>alert(1)</script>"), sentence);
    assert_eq!(
        refused("page.html", b"just words"),
        sentence.replace("page.txt", "page.html")
    );
    assert_eq!(
        refused(
            "doc.xml",
            b"<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"></html>"
        ),
        sentence.replace("page.txt", "doc.xml")
    );
}

#[test]
fn images_renamed_to_another_image_type_or_pdf_are_refused() {
    let png = encoded(&DynamicImage::ImageRgb8(photo(8, 8)), ImageFormat::Png);
    assert_eq!(
        refused("photo.jpg", &png),
        "photo.jpg is not a JPEG image: its bytes are a PNG image."
    );
    assert_eq!(
        refused("paper.pdf", &png),
        "paper.pdf is not a PDF document: its bytes are a PNG image."
    );
    assert_eq!(
        refused("notes.gif", b"plain words"),
        "notes.gif is not a GIF image: its bytes are plain text."
    );
    assert_eq!(
        refused("x.webp", b"PK\x03\x04\x14\x00\x00\x00"),
        "x.webp is not a WebP image: its bytes are a ZIP archive (Word, Excel and PowerPoint files are ZIP archives too)."
    );
}

#[test]
fn fifty_megabytes_are_refused_before_any_decoding() {
    // A PNG signature followed by zeros: decoding it would be refused as damaged, so the
    // size sentence shows the size was checked first.
    let mut input = vec![0u8; 50 * 1024 * 1024];
    input[..8].copy_from_slice(b"\x89PNG\r\n\x1A\n");
    let refusal = prepare("huge.png", &input, &Limits::default()).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::TooLarge {
            name: "huge.png".into(),
            limit_mib: 20
        }
    );
    assert_eq!(
        refusal.to_string(),
        "huge.png is too large: files may be up to 20 MiB."
    );
    assert!(refusal.is_size_limit());
}

#[test]
fn empty_upload_is_refused() {
    assert_eq!(refused("nothing.txt", b""), "nothing.txt is empty.");
}

#[test]
fn archives_and_programs_are_refused_with_what_they_are() {
    let tail =
        ", and Sluice takes only images (PNG, JPEG, GIF, WebP), PDFs, and text or code files.";
    assert_eq!(
        refused("report.docx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
        format!("report.docx cannot be attached: its bytes are a ZIP archive (Word, Excel and PowerPoint files are ZIP archives too){tail}")
    );
    assert_eq!(
        refused("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        format!("setup.exe cannot be attached: its bytes are a Windows program{tail}")
    );
    assert_eq!(
        refused("blob", b"\x01\x02\x00\x03"),
        format!("blob cannot be attached: its bytes are binary data (it contains NUL bytes){tail}")
    );
    assert_eq!(
        refused("notes.txt", b"\xFF\xFEh\x00i\x00"),
        format!("notes.txt cannot be attached: its bytes are UTF-16 text (save it as UTF-8){tail}")
    );
}
