//! What happens to an upload after it is stored: the ✕ deletes a pending one (204, then 404),
//! not one sent with a message (409); the sweeper deletes pending uploads older than a day and
//! nothing else; deleting the conversation or the account deletes its files, bytes and all.

use super::{app_with, call, exec, link_to_new_conversation, refusal, stored, upload, user_id};
use reqwest::Method;
use sluice::server::attachments::sweeper::sweep_once;
use sluice_wire::attachments::AttachmentMeta;

/// Now as unix milliseconds, the store's clock.
fn now_millis() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970");
    i64::try_from(since.as_millis()).expect("millis")
}

/// Uploads a small text file as `name` for `token`; its description.
async fn uploaded(app: &crate::support::TestApp, token: &str, name: &str) -> AttachmentMeta {
    let (status, body) = upload(app, Some(token), name, format!("text of {name}").into()).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("meta")
}

#[tokio::test]
async fn deleting_a_pending_attachment_is_204_then_404_and_a_sent_one_is_409() {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let alice_id = user_id(&app, "alice").await;
    let pending = uploaded(&app, &alice, "pending.txt").await;
    let sent = uploaded(&app, &alice, "sent.txt").await;
    link_to_new_conversation(&app, alice_id, sent.id.as_str()).await;

    let path = format!("/api/attachments/{}", pending.id);
    let response = call(&app, Some(&alice), Method::DELETE, &path).await;
    assert_eq!(response.status(), 204);
    assert_eq!(response.text().await.expect("body"), "");
    for method in [Method::DELETE, Method::GET] {
        assert_eq!(call(&app, Some(&alice), method, &path).await.status(), 404);
    }

    let path = format!("/api/attachments/{}", sent.id);
    let response = call(&app, Some(&alice), Method::DELETE, &path).await;
    assert_eq!(response.status(), 409);
    let (kind, message) = refusal(&response.text().await.expect("body"));
    assert_eq!(kind, "conflict");
    assert_eq!(
        message,
        "That file was sent with a message; it is deleted with its conversation."
    );
    assert_eq!(
        call(&app, Some(&alice), Method::GET, &path).await.status(),
        200
    );
    assert_eq!(stored(&app, alice_id).await.0, 1);
}

#[tokio::test]
async fn the_attachment_sweeper_deletes_only_pending_uploads_older_than_a_day() {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let alice_id = user_id(&app, "alice").await;
    let bob_id = user_id(&app, "bob").await;
    uploaded(&app, &alice, "a.txt").await;
    uploaded(&app, &bob, "b.txt").await;
    let sent = uploaded(&app, &alice, "sent.txt").await;
    link_to_new_conversation(&app, alice_id, sent.id.as_str()).await;
    let store = &app.state.store;
    let hour = 60 * 60 * 1000;
    // The server's own sweep (at start) and one an hour before the day is up delete nothing.
    assert_eq!(
        sweep_once(store, now_millis() + 23 * hour)
            .await
            .expect("sweep"),
        0
    );
    assert_eq!(
        (stored(&app, alice_id).await.0, stored(&app, bob_id).await.0),
        (2, 1)
    );
    // A day later: both pending uploads (every user's) go, the sent one stays.
    assert_eq!(
        sweep_once(store, now_millis() + 25 * hour)
            .await
            .expect("sweep"),
        2
    );
    assert_eq!(
        (stored(&app, alice_id).await.0, stored(&app, bob_id).await.0),
        (1, 0)
    );
    let response = call(
        &app,
        Some(&alice),
        Method::GET,
        &format!("/api/attachments/{}", sent.id),
    )
    .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn deleting_the_conversation_or_the_account_deletes_its_attachments() {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let alice_id = user_id(&app, "alice").await;
    let bob_id = user_id(&app, "bob").await;
    let sent = uploaded(&app, &alice, "sent.txt").await;
    let kept = uploaded(&app, &alice, "kept.txt").await;
    let conversation = link_to_new_conversation(&app, alice_id, sent.id.as_str()).await;
    let response = app
        .api_as(
            Some(&alice),
            "/api/conversations/delete",
            serde_json::json!({"id": conversation}),
        )
        .await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let path = format!("/api/attachments/{}", sent.id);
    assert_eq!(
        call(&app, Some(&alice), Method::GET, &path).await.status(),
        404
    );
    assert_eq!(
        stored(&app, alice_id).await,
        (1, kept.size_bytes),
        "the bytes are gone"
    );

    // An account's rows go with it (the schema cascades; there is no account deletion
    // endpoint yet, so the row is deleted as an administrator would).
    uploaded(&app, &bob, "b.txt").await;
    let bob_sent = uploaded(&app, &bob, "b2.txt").await;
    link_to_new_conversation(&app, bob_id, bob_sent.id.as_str()).await;
    assert_eq!(stored(&app, bob_id).await.0, 2);
    exec(
        &app,
        &format!("DELETE FROM users WHERE id = {}", bob_id.0),
        &[],
    )
    .await;
    assert_eq!(stored(&app, bob_id).await, (0, 0));
    assert_eq!(
        stored(&app, alice_id).await.0,
        1,
        "alice's file is untouched"
    );
}
