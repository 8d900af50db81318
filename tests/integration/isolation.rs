//! Isolation between users over HTTP: every endpoint tried with another user's ids answers
//! 404 (or only the caller's own data), and without a session, with a forged cookie or with an
//! expired one answers 401; afterwards the victim's data is unchanged and no response leaked
//! it (or any password hash).

use crate::support::{stored_ids, TestApp, LOCAL_AUTH};
use serde_json::{json, Value};
use sluice::store::UserId;
use std::time::Duration;

/// Everything of a user the test compares before and after.
async fn snapshot(app: &TestApp, user: UserId, conversation: &str) -> Value {
    let store = &app.state.store;
    json!({
        "tree": serde_json::to_value(store.get_conversation(user, &conversation.into()).await.unwrap()).unwrap(),
        "list": serde_json::to_value(store.list_conversations(user, None).await.unwrap()).unwrap(),
        "presets": serde_json::to_value(store.list_presets(user).await.unwrap()).unwrap(),
    })
}

/// Sends a request and returns (status, body).
async fn call(
    app: &TestApp,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, String) {
    let response = if method == "GET" {
        let mut request = app.client.get(app.url(path));
        if let Some(token) = token {
            request = request.header("cookie", format!("sluice_session={token}"));
        }
        request.send().await.expect("GET")
    } else {
        app.api_as(token, path, body.clone()).await
    };
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn every_endpoint_refuses_foreign_ids_and_missing_or_bad_sessions() {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let store = &app.state.store;
    let alice_id = store.account_by_name("alice").await.unwrap().unwrap().id;
    let bob_id = store.account_by_name("bob").await.unwrap().unwrap().id;

    let secret = "alice secret 7f3a";
    let ids = stored_ids(&app.send_as(&alice, secret).await);
    let conversation = ids.conversation_id.clone();
    let preset: Value = app
        .api_as(
            Some(&alice),
            "/api/presets/save",
            json!({"name": "alice preset", "system_prompt": secret}),
        )
        .await
        .json()
        .await
        .unwrap();
    let preset_id = preset["id"].as_str().unwrap().to_string();
    let bob_ids = stored_ids(&app.send_as(&bob, "bob's own").await);

    let victim_before = snapshot(&app, alice_id, &conversation).await;
    let bob_before = snapshot(&app, bob_id, &bob_ids.conversation_id).await;
    let expired = store.create_session(bob_id, Duration::ZERO).await.unwrap();
    let forged = "A".repeat(43);

    let send = |action: Value| json!({"conversation_id": conversation, "action": action});
    let export = format!("/api/conversations/{conversation}/export");
    // Endpoints naming Alice's ids: Bob gets 404.
    let foreign: Vec<(&str, String, Value)> = vec![
        (
            "POST",
            "/api/conversations/get".into(),
            json!({"id": conversation}),
        ),
        (
            "POST",
            "/api/conversations/rename".into(),
            json!({"id": conversation, "title": "pwned"}),
        ),
        (
            "POST",
            "/api/conversations/delete".into(),
            json!({"id": conversation}),
        ),
        (
            "POST",
            "/api/conversations/settings".into(),
            json!({"id": conversation, "system_prompt": "pwned"}),
        ),
        (
            "POST",
            "/api/presets/save".into(),
            json!({"id": preset_id, "name": "pwned"}),
        ),
        (
            "POST",
            "/api/presets/delete".into(),
            json!({"id": preset_id}),
        ),
        (
            "POST",
            "/api/chat/stream".into(),
            send(json!({"type": "send", "parent_id": ids.answer_id, "content": "pwned"})),
        ),
        (
            "POST",
            "/api/chat/stream".into(),
            send(json!({"type": "regenerate", "user_message_id": ids.user_message_id})),
        ),
        (
            "POST",
            "/api/chat/stream".into(),
            send(json!({"type": "continue", "answer_id": ids.answer_id})),
        ),
        (
            "POST",
            "/api/conversations/pin".into(),
            json!({"id": conversation, "pinned": true}),
        ),
        (
            "POST",
            "/api/conversations/archive".into(),
            json!({"ids": [conversation], "archived": true}),
        ),
        (
            "POST",
            "/api/conversations/move".into(),
            json!({"ids": [conversation], "folder_id": null}),
        ),
        (
            "POST",
            "/api/conversations/delete_many".into(),
            json!({"ids": [conversation]}),
        ),
        ("GET", format!("{export}?format=json"), json!(null)),
        ("GET", format!("{export}?format=markdown"), json!(null)),
        (
            "POST",
            "/api/chat/resume".into(),
            json!({"answer_id": ids.answer_id, "after": 0}),
        ),
        (
            "GET",
            format!("/api/turns/any/events?answer_id={}", ids.answer_id),
            json!(null),
        ),
    ];
    for (method, path, body) in &foreign {
        let (status, text) = call(&app, Some(&bob), method, path, body).await;
        assert_eq!(status, 404, "{method} {path} as bob: {text}");
        assert!(!text.contains(secret), "{path} leaked: {text}");
    }

    // Endpoints without ids (plus the account functions): 401 without a valid session.
    let mut every: Vec<(&str, String, Value)> = foreign.clone();
    every.extend([
        ("POST", "/api/conversations/list".into(), json!({})),
        (
            "POST",
            "/api/conversations/import".into(),
            json!({"document": "{}"}),
        ),
        ("POST", "/api/presets/list".into(), json!({})),
        ("POST", "/api/folders/list".into(), json!({})),
        (
            "POST",
            "/api/folders/create".into(),
            json!({"name": "pwned"}),
        ),
        ("POST", "/api/models".into(), json!({})),
        ("POST", "/api/chat/stop".into(), json!({"turn_id": "t"})),
        ("POST", "/api/chat/resume".into(), json!({"turn_id": "t"})),
        ("GET", "/api/turns/t/events".into(), json!(null)),
        (
            "POST",
            "/api/chat/stream".into(),
            json!({"model": "demo/sluice-demo", "messages": [{"role": "user", "content": "hi"}]}),
        ),
        (
            "POST",
            "/api/chat/stream".into(),
            json!({"action": {"type": "send", "parent_id": null, "content": "new"}}),
        ),
        ("POST", "/api/auth/sign_out".into(), json!({})),
        ("POST", "/api/auth/sign_out_everywhere".into(), json!({})),
        (
            "POST",
            "/api/auth/change_password".into(),
            json!({"current": "alice password", "new": "pwned pwned"}),
        ),
        ("POST", "/api/admin/users".into(), json!({})),
        (
            "POST",
            "/api/admin/set_status".into(),
            json!({"user_id": alice_id.0, "status": "disabled"}),
        ),
        (
            "POST",
            "/api/admin/set_admin".into(),
            json!({"user_id": bob_id.0, "is_admin": true}),
        ),
        (
            "POST",
            "/api/admin/reset_password".into(),
            json!({"user_id": alice_id.0, "password": "pwned pwned"}),
        ),
    ]);
    // From a foreign site, even with Alice's valid cookie, every state-changing call is refused.
    for (method, path, body) in every.iter().filter(|(m, _, _)| *m == "POST") {
        let response = app
            .client
            .post(app.url(path))
            .header("cookie", format!("sluice_session={alice}"))
            .header("origin", "https://evil.example")
            .json(body)
            .send()
            .await
            .expect("cross-site request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, 403, "{method} {path} from a foreign origin: {text}");
        assert!(
            text.contains("Cross-site request refused."),
            "{path}: {text}"
        );
    }
    for token in [None, Some(forged.as_str()), Some(expired.as_str())] {
        for (method, path, body) in &every {
            let (status, text) = call(&app, token, method, path, body).await;
            assert_eq!(status, 401, "{method} {path} with {token:?}: {text}");
            assert!(text.contains("Sign in to continue."), "{path}: {text}");
        }
    }

    // Bob's own lists show none of Alice's rows; admin functions are 403 for him.
    for path in ["/api/conversations/list", "/api/presets/list"] {
        let (status, text) = call(&app, Some(&bob), "POST", path, &json!({})).await;
        assert_eq!(status, 200);
        assert!(
            !text.contains(conversation.as_str())
                && !text.contains(&preset_id)
                && !text.contains(secret)
        );
    }
    for (_, path, body) in every
        .iter()
        .filter(|(_, p, _)| p.starts_with("/api/admin/"))
    {
        assert_eq!(
            call(&app, Some(&bob), "POST", path, body).await.0,
            403,
            "{path}"
        );
    }

    // Stop: Bob cannot stop Alice's live turn (it looks unknown); Alice can.
    let turn = app
        .state
        .turns
        .register(alice_id, None)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let stop = json!({"turn_id": turn.id});
    let resume = json!({"turn_id": turn.id, "after": 0});
    assert_eq!(
        call(&app, Some(&bob), "POST", "/api/chat/resume", &resume)
            .await
            .0,
        404,
        "Bob cannot read Alice's live turn"
    );
    assert_eq!(
        call(&app, Some(&bob), "POST", "/api/chat/stop", &stop).await,
        (200, "false".into())
    );
    assert_eq!(turn.cancel_reason(), None);
    assert_eq!(
        call(&app, Some(&alice), "POST", "/api/chat/stop", &stop).await,
        (200, "true".into())
    );
    assert!(turn.cancel_reason().is_some());
    app.state.turns.remove(&turn.id);

    // Nothing of Alice's (or Bob's) changed, and both still work.
    assert_eq!(snapshot(&app, alice_id, &conversation).await, victim_before);
    assert_eq!(
        snapshot(&app, bob_id, &bob_ids.conversation_id).await,
        bob_before
    );
    assert_eq!(app.sign_in("alice", "alice password").await.status(), 200);
    let (status, text) = call(
        &app,
        Some(&alice),
        "POST",
        "/api/conversations/get",
        &json!({"id": conversation}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(text.contains(secret));
    assert!(!store
        .list_accounts()
        .await
        .unwrap()
        .iter()
        .any(|u| u.is_admin && u.id == bob_id.0));
}

#[tokio::test]
async fn no_response_carries_a_password_hash() {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let mut bodies = Vec::new();
    let sign_up = app.sign_up("alice", "alice password").await;
    let alice = crate::support::session_token(&sign_up).unwrap();
    bodies.push(sign_up.text().await.unwrap());
    bodies.push(
        app.sign_in("alice", "alice password")
            .await
            .text()
            .await
            .unwrap(),
    );
    bodies.push(
        app.sign_in("alice", "wrong password")
            .await
            .text()
            .await
            .unwrap(),
    );
    bodies.push(
        app.sign_up("bob", "bobs password")
            .await
            .text()
            .await
            .unwrap(),
    );
    for path in [
        "/api/auth/status",
        "/api/admin/users",
        "/api/conversations/list",
    ] {
        bodies.push(call(&app, Some(&alice), "POST", path, &json!({})).await.1);
    }
    bodies.push(call(&app, Some(&alice), "GET", "/", &json!(null)).await.1);
    for body in &bodies {
        assert!(!body.contains("$argon2"), "{body}");
    }
    assert!(
        bodies.iter().any(|b| b.contains("\"bob\"")),
        "the user list was read"
    );
}

/// A log sink shared with the test: everything the app logs while the guard is held.
#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary from the first call on: a global subscriber, so the
/// callsite interest cache (global in `tracing`) can never hide a line from it.
fn captured_logs() -> &'static CapturedLogs {
    static LOGS: std::sync::OnceLock<CapturedLogs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        // Only this test installs a subscriber; if something else already did, the check
        // below that our own lines were captured fails loudly instead of passing vacuously.
        let _ = tracing::subscriber::set_global_default(subscriber);
        logs
    })
}

#[tokio::test]
async fn no_log_line_carries_a_password_or_its_hash() {
    let logs = captured_logs();
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let alice = app.signed_up("alice", "alice secret pw").await;
    assert_eq!(app.sign_in("alice", "wrong secret pw").await.status(), 401);
    let changed = call(
        &app,
        Some(&alice),
        "POST",
        "/api/auth/change_password",
        &json!({"current": "alice secret pw", "new": "alice newer pw"}),
    )
    .await;
    assert_eq!(changed.0, 200, "{}", changed.1);
    app.signed_up("bob", "bobs secret pw").await;
    drop(app);

    let text = String::from_utf8_lossy(
        &logs
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_owned();
    assert!(
        text.contains("signed up"),
        "the requests were not logged ({} bytes captured)",
        text.len()
    );
    for secret in [
        "$argon2",
        "alice secret pw",
        "wrong secret pw",
        "alice newer pw",
        "bobs secret pw",
    ] {
        assert!(
            !text.contains(secret),
            "{secret:?} appears in the log (at byte {:?})",
            text.find(secret)
        );
    }
}
