//! Shared links (issue 24): `POST /api/shares/create|list|revoke|view` and the page
//! `/s/{token}`. A link shows a frozen snapshot of the visible branch only (no other branch,
//! no later message, no system prompt unless included, no ids or account names), rendered by
//! the server with `noindex` in a meta tag and a header; revoked, expired and unknown links
//! are the same 404 sentence; without `[sharing] public_links` only signed-in users of the
//! instance see a link; nobody shares or revokes another user's conversation; hostile Markdown
//! stays inert; bad requests are 4xx with a sentence; `migrate-to-postgres` copies the links.

use crate::support::shared_fixtures::shared_path;
use crate::support::{error_message, header_value, stored_ids, TempDir, TestApp, LOCAL_AUTH};
use serde_json::{json, Value};
use sluice::sharing::{ShareSnapshot, SHARE_GONE};
use sluice::store::{copy_sqlite_to_postgres, Store, UserId};

/// Creates a link as the cookie `token` (`None`: no cookie) with `body`; returns status and JSON.
async fn create(app: &TestApp, token: Option<&str>, body: Value) -> (u16, Value) {
    let response = app.api_as(token, "/api/shares/create", body).await;
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The token of a link created with `body` (must succeed).
async fn share(app: &TestApp, token: Option<&str>, body: Value) -> String {
    let (status, link) = create(app, token, body).await;
    assert_eq!(status, 200, "share refused: {link}");
    let share_token = link["token"].as_str().expect("token").to_string();
    assert_eq!(share_token.len(), 32, "192 bits in base64url");
    assert!(share_token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    share_token
}

/// GETs `/s/{share}` as the cookie `token`; returns status, `X-Robots-Tag` and the HTML.
async fn shared_page(
    app: &TestApp,
    token: Option<&str>,
    share: &str,
) -> (u16, Option<String>, String) {
    let response = app.get_as(token, &format!("/s/{share}")).await;
    let status = response.status().as_u16();
    let robots = header_value(&response, "x-robots-tag");
    (status, robots, response.text().await.expect("html"))
}

/// The snapshot through `/api/shares/view`.
async fn view(app: &TestApp, share: &str) -> ShareSnapshot {
    let response = app.api("/api/shares/view", json!({ "token": share })).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("snapshot")
}

#[tokio::test]
async fn a_link_shows_a_frozen_snapshot_of_the_visible_branch_only() {
    let app = TestApp::fast_demo().await;
    let alpha = stored_ids(
        &app.send_and_finish(None, None, "Alpha question about tides")
            .await,
    );
    let conversation = alpha.conversation_id.to_string();
    // A second root: another branch of the same conversation.
    let bravo = stored_ids(
        &app.send_and_finish(Some(&conversation), None, "Bravo question about moons")
            .await,
    );
    assert_eq!(bravo.conversation_id, alpha.conversation_id);
    let link = share(
        &app,
        None,
        json!({"conversation_id": conversation, "leaf_id": alpha.answer_id.to_string()}),
    )
    .await;

    let (status, robots, html) = shared_page(&app, None, &link).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(robots.as_deref(), Some("noindex, nofollow"));
    assert!(
        html.contains(r#"<meta name="robots" content="noindex, nofollow""#),
        "{html}"
    );
    assert!(html.contains(r#"<p class="user-text">Alpha question about tides"#));
    assert!(
        html.contains("Demo model"),
        "the answer's Markdown is rendered"
    );
    assert!(!html.contains("Bravo question"), "another branch leaked");
    assert!(
        !html.contains("data-testid=\"composer"),
        "read-only: no composer"
    );
    for id in [
        &alpha.answer_id.to_string(),
        &alpha.user_message_id.to_string(),
        &conversation,
    ] {
        assert!(!html.contains(id.as_str()), "an id leaked: {id}");
    }
    let before = view(&app, &link).await;
    assert_eq!(before.messages.len(), 2);

    // The chat goes on; the link does not change.
    app.send_and_finish(
        Some(&conversation),
        Some(alpha.answer_id.as_ref()),
        "Charlie follow-up",
    )
    .await;
    let (_, _, html_after) = shared_page(&app, None, &link).await;
    assert!(!html_after.contains("Charlie follow-up"));
    assert_eq!(view(&app, &link).await, before);

    // Without a leaf the newest branch is shared (Bravo's).
    let newest = share(&app, None, json!({"conversation_id": conversation})).await;
    let (_, _, html) = shared_page(&app, None, &newest).await;
    assert!(html.contains(r#"<p class="user-text">Bravo question about moons"#));
    // The title is still the first message's; Alpha's message itself is not shared.
    assert!(!html.contains(r#"<p class="user-text">Alpha question about tides"#));
    assert!(!html.contains("Charlie follow-up"));
}

#[tokio::test]
async fn the_system_prompt_is_shared_only_when_included() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(&app.send_and_finish(None, None, "hello").await);
    let conversation = ids.conversation_id.to_string();
    let prompt = "You are a secret pirate 4d2e";
    let response = app
        .api(
            "/api/conversations/settings",
            json!({"id": conversation, "model": null, "system_prompt": prompt}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let hidden = share(&app, None, json!({"conversation_id": conversation})).await;
    let shown = share(
        &app,
        None,
        json!({"conversation_id": conversation, "include_system_prompt": true, "expiry": "7d"}),
    )
    .await;
    let (_, _, html) = shared_page(&app, None, &hidden).await;
    assert!(!html.contains(prompt), "the prompt leaked");
    assert_eq!(view(&app, &hidden).await.system_prompt, None);
    let (_, _, html) = shared_page(&app, None, &shown).await;
    assert!(html.contains(prompt));
    assert_eq!(
        view(&app, &shown).await.system_prompt.as_deref(),
        Some(prompt)
    );
}

#[tokio::test]
async fn revoked_expired_and_unknown_links_are_the_same_404() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(&app.send_and_finish(None, None, "to share").await);
    let conversation = ids.conversation_id.to_string();
    let revoked = share(&app, None, json!({"conversation_id": conversation})).await;
    let expiring = share(
        &app,
        None,
        json!({"conversation_id": conversation, "expiry": "1d"}),
    )
    .await;
    let kept = share(
        &app,
        None,
        json!({"conversation_id": conversation, "expiry": "30d"}),
    )
    .await;

    let list: Vec<Value> = app
        .api("/api/shares/list", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|l| l["expired"] == false));
    assert!(list
        .iter()
        .any(|l| l["token"] == kept.as_str() && l["expires_at"].is_i64()));

    let response = app
        .api("/api/shares/revoke", json!({ "token": revoked }))
        .await;
    assert_eq!(response.status(), 200);
    let again = app
        .api("/api/shares/revoke", json!({ "token": revoked }))
        .await;
    assert_eq!(again.status(), 404, "a link is revoked once");
    app.state
        .store
        .set_share_expiry(&expiring, sluice::time_text::now_ms() - 1)
        .await
        .expect("expire");

    for dead in [
        revoked.as_str(),
        expiring.as_str(),
        "A".repeat(32).as_str(),
        "short",
        "%3Cx%3E",
    ] {
        let (status, robots, html) = shared_page(&app, None, dead).await;
        assert_eq!(status, 404, "{dead}: {html}");
        assert_eq!(robots.as_deref(), Some("noindex, nofollow"), "{dead}");
        assert!(html.contains(SHARE_GONE), "{dead}: {html}");
        let response = app.api("/api/shares/view", json!({ "token": dead })).await;
        assert_eq!(response.status(), 404);
        assert_eq!(error_message(&response.text().await.unwrap()), SHARE_GONE);
    }
    let (status, _, _) = shared_page(&app, None, &kept).await;
    assert_eq!(status, 200);

    let list: Vec<Value> = app
        .api("/api/shares/list", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 2, "the revoked link left the list");
    let expired: Vec<&Value> = list.iter().filter(|l| l["expired"] == true).collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["token"], expiring.as_str());

    // Deleting the conversation ends its links.
    app.api("/api/conversations/delete", json!({ "id": conversation }))
        .await;
    let (status, _, _) = shared_page(&app, None, &kept).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn without_public_links_only_signed_in_users_of_the_instance_see_a_link() {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let zelda = app.signed_up("zelda-sharer", "zelda password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let ids = stored_ids(&app.send_as(&zelda, "Zelda's shared question").await);
    let link = share(
        &app,
        Some(&zelda),
        json!({"conversation_id": ids.conversation_id.to_string()}),
    )
    .await;

    let anonymous = app.get_as(None, &format!("/s/{link}")).await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        header_value(&anonymous, "location").as_deref(),
        Some("/sign-in")
    );
    let api = app
        .api_as(None, "/api/shares/view", json!({ "token": link }))
        .await;
    assert_eq!(api.status(), 401);

    let (status, _, html) = shared_page(&app, Some(&bob), &link).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Zelda&#x27;s shared question") || html.contains("Zelda's shared question"),
        "{html}"
    );
    assert!(!html.contains("zelda-sharer"), "the sharer's name leaked");

    // With public links, anyone with the link sees it.
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_PUBLIC_SHARE_LINKS", "true"));
    let public = TestApp::spawn(&env).await;
    let owner = public.signed_up("owner", "owner password").await;
    let ids = stored_ids(&public.send_as(&owner, "Public question").await);
    let link = share(
        &public,
        Some(&owner),
        json!({"conversation_id": ids.conversation_id.to_string()}),
    )
    .await;
    let (status, _, html) = shared_page(&public, None, &link).await;
    assert_eq!(status, 200);
    assert!(html.contains("Public question"));
    // Other pages still need a user.
    assert_eq!(public.get_as(None, "/").await.status(), 303);
    assert_eq!(public.get_as(None, "/shared").await.status(), 303);
    let list = public.api_as(None, "/api/shares/list", json!({})).await;
    assert_eq!(list.status(), 401);
}

#[tokio::test]
async fn nobody_shares_lists_or_revokes_another_users_conversation() {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let ids = stored_ids(&app.send_as(&alice, "alice private").await);
    let conversation = ids.conversation_id.to_string();
    let (status, body) = create(&app, Some(&bob), json!({"conversation_id": conversation})).await;
    assert_eq!(status, 404, "{body}");
    let link = share(&app, Some(&alice), json!({"conversation_id": conversation})).await;
    let bobs: Vec<Value> = app
        .api_as(Some(&bob), "/api/shares/list", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(bobs.is_empty());
    let revoke = app
        .api_as(Some(&bob), "/api/shares/revoke", json!({ "token": link }))
        .await;
    assert_eq!(revoke.status(), 404);
    let (status, _, _) = shared_page(&app, Some(&alice), &link).await;
    assert_eq!(status, 200, "bob's attempt changed nothing");
    // A leaf from another conversation is refused.
    let other = stored_ids(&app.send_as(&alice, "another chat").await);
    let (status, body) = create(
        &app,
        Some(&alice),
        json!({"conversation_id": conversation, "leaf_id": other.answer_id.to_string()}),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn malformed_and_oversized_share_requests_are_4xx_with_a_sentence() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(&app.send_and_finish(None, None, "q").await);
    let conversation = ids.conversation_id.to_string();
    for (body, expected) in [
        (
            json!({"conversation_id": conversation, "expiry": "2d"}),
            400,
        ),
        (json!({"expiry": "never"}), 400),
        (json!({"conversation_id": 7}), 400),
        (json!({"conversation_id": "not-a-uuid"}), 404),
        (
            json!({"conversation_id": conversation, "include_system_prompt": "yes"}),
            400,
        ),
    ] {
        let response = app.api("/api/shares/create", body.clone()).await;
        assert_eq!(response.status().as_u16(), expected, "{body}");
        let message = error_message(&response.text().await.unwrap());
        assert!(message.ends_with('.'), "a sentence: {message}");
    }
    let huge = "x".repeat(100 * 1024);
    let response = app
        .api("/api/shares/revoke", json!({ "token": huge }))
        .await;
    assert_eq!(response.status(), 413);
    let response = app.api("/api/shares/view", json!({})).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn hostile_markdown_in_a_shared_answer_stays_inert() {
    let Some(path) = shared_path("fixtures/xss-payloads.txt", "XSS payloads") else {
        return;
    };
    let payloads: Vec<String> = std::fs::read_to_string(path)
        .expect("payloads")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.replace("\\n", "\n"))
        .collect();
    let app = TestApp::fast_demo().await;
    let document = json!({
        "format": "sluice.conversation", "version": 1, "exported_at": 0,
        "conversation": {"title": "<script>alert('title')</script>", "created_at": 1, "updated_at": 2},
        "messages": [
            {"id": "u", "parent_id": null, "role": "user", "content": payloads.join("\n\n"),
             "status": "complete", "created_at": 1, "updated_at": 1},
            {"id": "a", "parent_id": "u", "role": "assistant", "content": payloads.join("\n\n"),
             "status": "complete", "model": "demo/sluice-demo", "created_at": 2, "updated_at": 2}
        ]
    });
    let imported: Value = app
        .api(
            "/api/conversations/import",
            json!({ "document": document.to_string() }),
        )
        .await
        .json()
        .await
        .unwrap();
    let link = share(&app, None, json!({"conversation_id": imported["id"]})).await;
    let (status, _, html) = shared_page(&app, None, &link).await;
    assert_eq!(status, 200);
    let lower = html.to_ascii_lowercase();
    // Every script on the page is one of ours, carrying the response's nonce.
    for (at, _) in lower.match_indices("<script") {
        let tag_end = lower[at..].find('>').map_or(lower.len(), |end| at + end);
        assert!(
            lower[at..tag_end].contains("nonce="),
            "a script without the nonce: {}",
            &html[at.saturating_sub(300)..(at + 200).min(html.len())]
        );
    }
    // Model text is escaped (`&lt;`), so a raw `<` starts one of the renderer's own tags; none
    // of them may carry a script URL or a forbidden element.
    for (at, _) in lower.match_indices('<') {
        let tag = &lower[at..lower[at..].find('>').map_or(lower.len(), |end| at + end)];
        if !tag[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        for forbidden in [
            "<img src=x",
            "<iframe",
            "<svg",
            "<object",
            "<embed",
            "<base",
            " href=\"javascript:",
            " href=\"data:text",
            " src=\"javascript:",
        ] {
            assert!(
                !tag.contains(forbidden),
                "{forbidden} reached the page: {tag}"
            );
        }
    }
    assert!(
        !lower.contains("<script>alert"),
        "a payload script reached the page"
    );
    assert!(
        !html.contains("<title><script"),
        "the title is never put in <title>"
    );
}

#[tokio::test]
async fn migrate_to_postgres_copies_shared_links_and_ratings() {
    let Some(target) = crate::migrate_to_postgres::fresh_database("shares").await else {
        return;
    };
    let dir = TempDir::new("migrate-shares");
    let path = dir.path.join("sluice.db");
    let source = Store::open(&path).await.expect("open SQLite");
    let document = json!({
        "format": "sluice.conversation", "version": 1, "exported_at": 0,
        "conversation": {"title": "Shared", "created_at": 1, "updated_at": 2},
        "messages": [
            {"id": "u", "parent_id": null, "role": "user", "content": "q", "created_at": 1},
            {"id": "a", "parent_id": "u", "role": "assistant", "content": "a", "model": "m",
             "created_at": 2, "feedback": {"rating": "down", "comment": "too short"}}
        ]
    });
    let import = sluice::transfer::parse_import(
        document.to_string().as_bytes(),
        &sluice::transfer::ImportLimits::default(),
    )
    .expect("valid");
    let conversation = source
        .import_conversation(UserId::LOCAL, &import)
        .await
        .expect("import");
    let rated = source
        .get_conversation(UserId::LOCAL, &conversation.id)
        .await
        .expect("load");
    assert_eq!(rated.feedback.len(), 1);
    let snapshot = r#"{"title":"Shared","messages":[],"created_at":1}"#;
    let link = source
        .create_share(UserId::LOCAL, &conversation.id, "Shared", snapshot, None)
        .await
        .expect("share");
    let revoked = source
        .create_share(
            UserId::LOCAL,
            &conversation.id,
            "Shared",
            snapshot,
            Some(i64::MAX),
        )
        .await
        .expect("share");
    source
        .revoke_share(UserId::LOCAL, &revoked.token)
        .await
        .expect("revoke");
    source.close().await;

    let report = copy_sqlite_to_postgres(&path, &target.url)
        .await
        .expect("copy");
    assert_eq!(
        report.to_string(),
        "1 user, 0 sessions, 1 conversation, 2 messages, 0 presets, 2 shared links, 1 rating"
    );
    let copied = Store::connect(&sluice::store::StoreOptions::postgres(&target.url))
        .await
        .expect("open the copy");
    assert_eq!(
        copied
            .shared_snapshot(&link.token)
            .await
            .unwrap()
            .as_deref(),
        Some(snapshot)
    );
    assert_eq!(copied.shared_snapshot(&revoked.token).await.unwrap(), None);
    assert_eq!(copied.list_shares(UserId::LOCAL).await.unwrap(), vec![link]);
    let copy = copied
        .get_conversation(UserId::LOCAL, &conversation.id)
        .await
        .expect("load the copy");
    assert_eq!(copy.feedback, rated.feedback);
    assert_eq!(copied.feedback_summary().await.unwrap()[0].count, 1);
    copied.close().await;
}
