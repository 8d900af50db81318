//! Hostile files through HTTP (the list): each gets 400 (413 for a size limit, or is stored cleaned) with a
//! sentence naming the file, nothing is stored, never a 5xx. The image and PDF cases rely on
//! the intake's sniffing and normalising (`sluice-attachments`).

use super::sample_files::{
    bomb_png, pdf_without_text, png, png_with_gps, truncated_jpeg, zip, GPS_SECRET, HTML_PAGE,
    SVG_WITH_SCRIPT,
};
use super::{app_with, call, refusal, stored, upload, user_id};
use crate::support::header_value;
use reqwest::Method;
use sluice_wire::attachments::{AttachmentKind, AttachmentMeta};

/// Uploads each `(name, bytes)` and checks it is refused with 400 and a sentence naming it,
/// storing nothing.
async fn assert_refused(files: Vec<(&str, Vec<u8>)>) {
    assert_refused_as(files, 400, "bad_request").await;
}

/// Uploads each `(name, bytes)` and checks it is refused with `status` (error `kind`) and a
/// sentence naming it, storing nothing.
async fn assert_refused_as(files: Vec<(&str, Vec<u8>)>, expected: u16, expected_kind: &str) {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let alice_id = user_id(&app, "alice").await;
    for (name, bytes) in files {
        let (status, body) = upload(&app, Some(&alice), name, bytes).await;
        assert_eq!(status, expected, "{name}: {body}");
        let (kind, message) = refusal(&body);
        assert_eq!(kind, expected_kind, "{name}");
        assert!(
            message.contains(name) && message.ends_with('.'),
            "{name}: {message}"
        );
    }
    assert_eq!(stored(&app, alice_id).await, (0, 0));
}

#[tokio::test]
async fn a_zip_attachment_is_refused_with_a_sentence() {
    assert_refused(vec![("archive.zip", zip()), ("archive.txt", zip())]).await;
}

#[tokio::test]
async fn an_html_page_renamed_png_attachment_is_refused() {
    assert_refused(vec![
        ("cat.png", HTML_PAGE.into()),
        ("page.html", HTML_PAGE.into()),
    ])
    .await;
}

#[tokio::test]
async fn an_svg_attachment_with_a_script_is_refused() {
    assert_refused(vec![
        ("drawing.svg", SVG_WITH_SCRIPT.into()),
        ("drawing.png", SVG_WITH_SCRIPT.into()),
    ])
    .await;
}

#[tokio::test]
async fn a_truncated_jpeg_attachment_is_refused() {
    assert_refused(vec![("photo.jpg", truncated_jpeg())]).await;
}

#[tokio::test]
async fn a_bomb_png_attachment_is_refused_without_decoding_it() {
    // Too many pixels is a size limit: 413, like a file over the byte limit.
    assert_refused_as(vec![("bomb.png", bomb_png())], 413, "too_large").await;
}

#[tokio::test]
async fn a_pdf_attachment_without_text_is_refused() {
    assert_refused(vec![("scan.pdf", pdf_without_text())]).await;
}

#[tokio::test]
async fn a_png_attachment_with_gps_exif_is_stored_without_it_and_served_inline() {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let original = png_with_gps();
    assert!(original.windows(GPS_SECRET.len()).any(|w| w == GPS_SECRET));
    let (status, body) = upload(&app, Some(&alice), "holiday.png", original).await;
    assert_eq!(status, 200, "{body}");
    let meta: AttachmentMeta = serde_json::from_str(&body).expect("meta");
    assert_eq!(meta.kind, AttachmentKind::Image);
    assert_eq!((meta.width, meta.height), (Some(64), Some(48)));
    let response = call(
        &app,
        Some(&alice),
        Method::GET,
        &format!("/api/attachments/{}", meta.id),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header_value(&response, "content-type"),
        Some(meta.content_type.clone())
    );
    assert_eq!(
        header_value(&response, "content-disposition").as_deref(),
        Some("inline; filename=\"holiday.png\"; filename*=UTF-8''holiday.png")
    );
    let served = response.bytes().await.expect("bytes");
    assert_eq!(served.len() as u64, meta.size_bytes);
    assert!(
        !served.windows(GPS_SECRET.len()).any(|w| w == GPS_SECRET),
        "the GPS block is gone"
    );
    assert!(
        !served.windows(4).any(|w| w == b"eXIf" || w == b"Exif"),
        "no EXIF at all"
    );
    let decoded = image::load_from_memory(&served).expect("a valid image");
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
}

#[tokio::test]
async fn a_large_png_attachment_is_downscaled_to_the_configured_side() {
    let app = app_with(&[("SLUICE_ATTACHMENTS_MAX_IMAGE_SIDE", "100")]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let (status, body) = upload(&app, Some(&alice), "wide.png", png(400, 200)).await;
    assert_eq!(status, 200, "{body}");
    let meta: AttachmentMeta = serde_json::from_str(&body).expect("meta");
    assert_eq!((meta.width, meta.height), (Some(100), Some(50)));
}
