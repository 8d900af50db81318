//! Uploading and serving: a text file comes back to its owner byte for byte with every header
//! of the contract; anyone else, unknown and malformed ids get 404, no user 401; the upload's
//! name is cleaned; an upload from another site is refused.

use super::{app_with, call, refusal, stored, upload, upload_path, user_id};
use crate::support::header_value;
use reqwest::Method;
use sluice_wire::attachments::AttachmentMeta;

/// The CSP every page gets, with its per-response nonce replaced by `N`.
fn policy_shape(policy: &str) -> String {
    match policy.split_once("'nonce-") {
        Some((head, rest)) => {
            let tail = rest.split_once('\'').map(|(_, t)| t).unwrap_or_default();
            format!("{head}'nonce-N'{tail}")
        }
        None => policy.to_string(),
    }
}

#[tokio::test]
async fn an_uploaded_text_file_is_served_to_its_owner_with_every_header_and_404_to_others() {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let text = "fn main() {\n    println!(\"héllo\");\n}\n";
    let (status, body) = upload(
        &app,
        Some(&alice),
        "C:\\fakepath\\main \"ü\".rs",
        text.into(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let meta: AttachmentMeta = serde_json::from_str(&body).expect("AttachmentMeta");
    assert_eq!(meta.name, "main \"ü\".rs", "the last path segment is kept");
    assert_eq!(meta.kind.as_str(), "text");
    assert_eq!(meta.content_type, "text/plain; charset=utf-8");
    assert_eq!(meta.size_bytes, text.len() as u64);
    let alice_id = user_id(&app, "alice").await;
    assert_eq!(stored(&app, alice_id).await, (1, text.len() as u64));

    let path = sluice_wire::attachments::attachment_url(&meta.id);
    let response = call(&app, Some(&alice), Method::GET, &path).await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| header_value(&response, name);
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(
        header("content-disposition").as_deref(),
        Some("attachment; filename=\"main ___.rs\"; filename*=UTF-8''main%20%22%C3%BC%22.rs")
    );
    assert_eq!(header("cache-control").as_deref(), Some("private"));
    let policy = header("content-security-policy").expect("the page's CSP");
    let page = app.client.get(app.url("/")).send().await.expect("page");
    let page_policy = header_value(&page, "content-security-policy").expect("page CSP");
    assert_eq!(policy_shape(&policy), policy_shape(&page_policy));
    assert_eq!(
        response.bytes().await.expect("bytes").as_ref(),
        text.as_bytes()
    );

    // Bob, and every malformed or unknown id: 404 with a sentence; bob cannot delete it.
    let unknown = "/api/attachments/0b0b3b9e-0000-4000-8000-000000000000".to_string();
    for (token, path) in [
        (&bob, path.clone()),
        (&alice, unknown.clone()),
        (&alice, "/api/attachments/not-an-id".to_string()),
        (&alice, "/api/attachments/%27%20OR%201%3D1".to_string()),
        (&alice, format!("{path}x")),
    ] {
        for method in [Method::GET, Method::DELETE] {
            let response = call(&app, Some(token), method.clone(), &path).await;
            assert_eq!(response.status(), 404, "{method} {path}");
            let (kind, message) = refusal(&response.text().await.expect("body"));
            assert_eq!(
                (kind.as_str(), message.as_str()),
                ("not_found", "That file does not exist.")
            );
        }
    }
    // Without a user: 401, for all three routes.
    for (method, path) in [
        (Method::GET, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::POST, upload_path("x.txt")),
    ] {
        let response = call(&app, None, method.clone(), &path).await;
        assert_eq!(response.status(), 401, "{method} {path}");
        let (kind, message) = refusal(&response.text().await.expect("body"));
        assert_eq!(
            (kind.as_str(), message.as_str()),
            ("unauthorised", "Sign in to continue.")
        );
    }
    assert_eq!(stored(&app, alice_id).await, (1, text.len() as u64));
    let bob_id = user_id(&app, "bob").await;
    assert_eq!(stored(&app, bob_id).await, (0, 0));
}

#[tokio::test]
async fn an_upload_needs_a_name_and_a_same_site_origin() {
    let app = app_with(&[]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let alice_id = user_id(&app, "alice").await;
    for query in [
        "/api/attachments",
        "/api/attachments?name=",
        "/api/attachments?name=%2F..%2F",
    ] {
        let response = app
            .client
            .post(app.url(query))
            .header("cookie", format!("sluice_session={alice}"))
            .body("some text")
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 400, "{query}");
        let (_, message) = refusal(&response.text().await.expect("body"));
        assert!(message.contains("needs a file name"), "{message}");
    }
    let (status, body) = upload(&app, Some(&alice), &"n".repeat(256), "x".into()).await;
    assert_eq!(status, 400);
    assert_eq!(
        refusal(&body).1,
        "The file name is too long: at most 255 characters."
    );
    let (status, body) = upload(&app, Some(&alice), "empty.txt", Vec::new()).await;
    assert_eq!(status, 400);
    assert_eq!(refusal(&body).1, "empty.txt is empty.");
    let response = app
        .client
        .post(app.url(&upload_path("a.txt")))
        .header("cookie", format!("sluice_session={alice}"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body("text")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 403);
    assert_eq!(
        refusal(&response.text().await.expect("body")).1,
        "Cross-site request refused."
    );
    assert_eq!(stored(&app, alice_id).await, (0, 0));
}

#[tokio::test]
async fn the_single_user_mode_uploads_as_its_local_user() {
    let app = crate::support::TestApp::spawn(&[]).await;
    let (status, body) = upload(&app, None, "notes.md", "# hi\n".into()).await;
    assert_eq!(status, 200, "{body}");
    let meta: AttachmentMeta = serde_json::from_str(&body).expect("meta");
    let response = call(
        &app,
        None,
        Method::GET,
        &format!("/api/attachments/{}", meta.id),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "# hi\n");
}
