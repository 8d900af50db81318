//! Upload limits: a body over `[attachments] max_file_bytes` is refused with 413 and a
//! sentence while it is read (declared or chunked, the default 20 MiB against a 50 MB upload
//! and a small configured limit), and an upload that would pass `[storage]
//! max_user_storage_bytes` (which counts attachment bytes) is 413 too; nothing is stored.

use super::{app_with, refusal, stored, upload, upload_path, user_id};
use crate::support::TestApp;
use futures::stream;

/// Uploads `size` bytes of text as `name` in 64 KiB chunks without a declared length.
async fn upload_chunked(app: &TestApp, token: &str, name: &str, size: usize) -> (u16, String) {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..size.div_ceil(64 * 1024))
        .map(|i| Ok(vec![b'a'; (size - i * 64 * 1024).min(64 * 1024)]))
        .collect();
    let response = app
        .client
        .post(app.url(&upload_path(name)))
        .header("cookie", format!("sluice_session={token}"))
        .body(reqwest::Body::wrap_stream(stream::iter(chunks)))
        .send()
        .await
        .expect("an HTTP answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_50_mb_attachment_upload_is_413_with_a_sentence_and_stores_nothing() {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let alice_id = user_id(&app, "alice").await;
    let sentence = "The file is too large (the limit is 20 MiB).";
    let (status, body) = upload(&app, Some(&alice), "big.txt", vec![b'a'; 50_000_000]).await;
    assert_eq!(status, 413, "{body:.200}");
    assert_eq!(
        refusal(&body),
        ("too_large".to_string(), sentence.to_string())
    );
    let (status, body) = upload_chunked(&app, &alice, "big.txt", 50_000_000).await;
    assert_eq!(status, 413, "{body:.200}");
    assert_eq!(refusal(&body).1, sentence);
    assert_eq!(stored(&app, alice_id).await, (0, 0));
    assert_eq!(
        app.state.store.stored_bytes(alice_id).await.expect("usage"),
        0
    );
    // The server is fine afterwards, and a file of ordinary size is taken.
    let (status, body) = upload(&app, Some(&alice), "small.txt", vec![b'a'; 1000]).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_configured_attachment_file_limit_is_what_an_upload_may_be() {
    let app = app_with(&[("SLUICE_ATTACHMENTS_MAX_FILE_BYTES", "2048")]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let alice_id = user_id(&app, "alice").await;
    assert_eq!(app.state.config.attachments.max_file_bytes, 2048);
    let (status, body) = upload(&app, Some(&alice), "fits.txt", vec![b'a'; 2048]).await;
    assert_eq!(status, 200, "{body}");
    for chunked in [false, true] {
        let (status, body) = if chunked {
            upload_chunked(&app, &alice, "over.txt", 2049).await
        } else {
            upload(&app, Some(&alice), "over.txt", vec![b'a'; 2049]).await
        };
        assert_eq!(status, 413, "chunked={chunked}: {body}");
        assert_eq!(
            refusal(&body).1,
            "The file is too large (the limit is 2 KiB)."
        );
    }
    assert_eq!(stored(&app, alice_id).await, (1, 2048));
}

#[tokio::test]
async fn attachment_bytes_count_toward_the_storage_quota_and_an_upload_past_it_is_413() {
    let app = app_with(&[("SLUICE_MAX_USER_STORAGE_BYTES", "4096")]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let alice_id = user_id(&app, "alice").await;
    let (status, body) = upload(&app, Some(&alice), "one.txt", vec![b'a'; 3000]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.state.store.stored_bytes(alice_id).await.expect("usage"),
        3000
    );
    let (status, body) = upload(&app, Some(&alice), "two.txt", vec![b'b'; 1500]).await;
    assert_eq!(status, 413, "{body}");
    let (kind, message) = refusal(&body);
    assert_eq!(kind, "too_large");
    assert!(
        message.starts_with("Your storage is full: you store 3 KiB of your 4 KiB quota, and this needs 1.5 KiB more."),
        "{message}"
    );
    assert_eq!(stored(&app, alice_id).await, (1, 3000));
    // Exactly up to the quota fits; then even a one-byte file is refused.
    let (status, body) = upload(&app, Some(&alice), "three.txt", vec![b'c'; 1096]).await;
    assert_eq!(status, 200, "exactly up to the quota: {body}");
    assert_eq!(
        app.state.store.stored_bytes(alice_id).await.expect("usage"),
        4096
    );
    let (status, body) = upload(&app, Some(&alice), "four.txt", vec![b'd']).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(stored(&app, alice_id).await, (2, 4096));
}
