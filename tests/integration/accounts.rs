//! Accounts over HTTP: sign-up modes, the first admin, sign-in/out, session rotation, expiry
//! and revocation, password changes, the admin functions with the last-admin guard, disabled
//! users, trusted-header mode and the loopback check of single-user mode.

use crate::support::{header_value, session_token, set_cookie_header, TestApp, LOCAL_AUTH};
use serde_json::{json, Value};
use sluice::account::{AuthMode, AuthStatus, SignUpResult, UserSummary};
use sluice::server::config::check_bind;
use std::time::Duration;

/// An app with local accounts and `extra` settings.
async fn app_with(extra: &[(&'static str, &'static str)]) -> TestApp {
    let mut env = LOCAL_AUTH.to_vec();
    env.extend_from_slice(extra);
    TestApp::spawn(&env).await
}

/// The auth status as `token` sees it.
async fn status(app: &TestApp, token: Option<&str>) -> AuthStatus {
    let response = app.api_as(token, "/api/auth/status", json!({})).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("status JSON")
}

/// Whether `token` is a live session (it may list conversations).
async fn works(app: &TestApp, token: &str) -> bool {
    let response = app
        .api_as(Some(token), "/api/conversations/list", json!({}))
        .await;
    match response.status().as_u16() {
        200 => true,
        401 => false,
        other => panic!("unexpected status {other}"),
    }
}

/// The admin's user list.
async fn users(app: &TestApp, admin: &str) -> Vec<UserSummary> {
    let response = app.api_as(Some(admin), "/api/admin/users", json!({})).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("users JSON")
}

#[tokio::test]
async fn first_user_is_admin_and_signed_in_later_ones_wait_for_approval() {
    let app = app_with(&[]).await;
    let before = status(&app, None).await;
    assert_eq!(before.mode, AuthMode::Local);
    assert!(before.first_user && before.user.is_none());

    let response = app.sign_up("  Alice ", "correct horse").await;
    assert_eq!(response.status(), 200);
    let cookie = set_cookie_header(&response).expect("cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "plain http, auto: {cookie}");
    let alice = session_token(&response).expect("token");
    let result: SignUpResult = response.json().await.expect("JSON");
    assert_eq!(result.account.name, "Alice");
    assert!(result.account.is_admin && !result.pending);
    let now = status(&app, Some(&alice)).await;
    assert!(!now.first_user);
    assert_eq!(now.user.map(|u| u.name), Some("Alice".to_string()));

    // Approval is the default: Bob waits, has no session and cannot sign in yet.
    let response = app.sign_up("bob", "bobs password").await;
    assert_eq!(response.status(), 200);
    assert!(session_token(&response).is_none());
    let result: SignUpResult = response.json().await.expect("JSON");
    assert!(result.pending && !result.account.is_admin);
    let refused = app.sign_in("bob", "bobs password").await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("approval"));

    // A name taken ignoring case.
    assert_eq!(app.sign_up("ALICE", "whatever123").await.status(), 409);

    // Alice approves Bob; now he can sign in but is no admin.
    let list = users(&app, &alice).await;
    assert_eq!(list.len(), 2);
    let bob_id = list.iter().find(|u| u.name == "bob").expect("bob").id;
    let approve = app
        .api_as(
            Some(&alice),
            "/api/admin/set_status",
            json!({"user_id": bob_id, "status": "active"}),
        )
        .await;
    assert_eq!(approve.status(), 200);
    let bob = app.signed_in("Bob", "bobs password").await;
    assert_eq!(
        app.api_as(Some(&bob), "/api/admin/users", json!({}))
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn input_rules_and_closed_and_open_sign_up() {
    let app = app_with(&[("SLUICE_SIGNUP", "closed")]).await;
    for (name, password, needle) in [
        ("   ", "long enough", "name is empty"),
        (&"x".repeat(65)[..], "long enough", "name is too long"),
        ("carol", "short", "too short"),
        ("carol", &"p".repeat(1025)[..], "too long"),
    ] {
        let response = app.sign_up(name, password).await;
        assert_eq!(response.status(), 400, "{name:?}");
        assert!(response.text().await.unwrap().contains(needle), "{needle}");
    }
    // The first account is allowed even when sign-up is closed; the next is not.
    let _admin = app.signed_up("admin", "admin password").await;
    let closed = app.sign_up("carol", "carols password").await;
    assert_eq!(closed.status(), 403);
    assert!(closed.text().await.unwrap().contains("closed"));

    let open = app_with(&[("SLUICE_SIGNUP", "open")]).await;
    let _first = open.signed_up("first", "first password").await;
    let second = open.signed_up("second", "second password").await;
    assert!(works(&open, &second).await);
}

#[tokio::test]
async fn sign_in_rotates_sign_out_ends_and_wrong_passwords_look_alike() {
    let app = app_with(&[]).await;
    let first = app.signed_up("alice", "alice password").await;
    let wrong_password = app.sign_in("alice", "not her password").await;
    let unknown_name = app.sign_in("nobody", "alice password").await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_name.status(), 401);
    assert_eq!(
        wrong_password.text().await.unwrap(),
        unknown_name.text().await.unwrap()
    );

    // Signing in again with the old cookie: a new token, the old session is gone.
    let response = app
        .api_as(
            Some(&first),
            "/api/auth/sign_in",
            json!({"name": "alice", "password": "alice password"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let second = session_token(&response).expect("new token");
    assert_ne!(first, second);
    assert!(
        !works(&app, &first).await,
        "the rotated-out session still works"
    );
    assert!(works(&app, &second).await);

    let out = app
        .api_as(Some(&second), "/api/auth/sign_out", json!({}))
        .await;
    assert_eq!(out.status(), 200);
    let cleared = set_cookie_header(&out).expect("clearing cookie");
    assert!(cleared.contains("Max-Age=0"));
    assert!(!works(&app, &second).await);
    assert_eq!(
        app.api_as(None, "/api/auth/sign_out", json!({}))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn sessions_expire() {
    let app = app_with(&[("SLUICE_SESSION_DAYS", "0.00002")]).await; // ~1.7 s
    let token = app.signed_up("alice", "alice password").await;
    assert!(works(&app, &token).await);
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert!(!works(&app, &token).await, "expired session accepted");
    // Expired rows are swept at the next sign-in.
    let alice = app.state.store.account_by_name("alice").await.unwrap();
    let alice = alice.expect("alice").id;
    let fresh = app.signed_in("alice", "alice password").await;
    assert_eq!(app.state.store.session_count(alice).await.unwrap(), 1);
    assert!(works(&app, &fresh).await);
    assert_eq!(app.state.store.delete_expired_sessions().await.unwrap(), 0);
}

#[tokio::test]
async fn sign_out_everywhere_and_password_changes_revoke_other_sessions() {
    let app = app_with(&[]).await;
    let laptop = app.signed_up("alice", "alice password").await;
    let phone = app.signed_in("alice", "alice password").await;
    let tablet = app.signed_in("alice", "alice password").await;

    let change = |token: String, current: &'static str, new: &'static str| {
        let app = &app;
        async move {
            app.api_as(
                Some(&token),
                "/api/auth/change_password",
                json!({"current": current, "new": new}),
            )
            .await
        }
    };
    assert_eq!(
        change(laptop.clone(), "wrong password", "new password 1")
            .await
            .status(),
        403
    );
    assert_eq!(
        change(laptop.clone(), "alice password", "short")
            .await
            .status(),
        400
    );
    assert_eq!(
        change(laptop.clone(), "alice password", "new password 1")
            .await
            .status(),
        200
    );
    assert!(works(&app, &laptop).await, "the changing session stays");
    assert!(!works(&app, &phone).await && !works(&app, &tablet).await);
    assert_eq!(app.sign_in("alice", "alice password").await.status(), 401);
    let phone = app.signed_in("alice", "new password 1").await;

    let everywhere = app
        .api_as(Some(&phone), "/api/auth/sign_out_everywhere", json!({}))
        .await;
    assert_eq!(everywhere.status(), 200);
    assert_eq!(everywhere.json::<u64>().await.unwrap(), 2);
    assert!(!works(&app, &phone).await && !works(&app, &laptop).await);
}

#[tokio::test]
async fn admin_functions_and_the_last_admin_guard() {
    let app = app_with(&[("SLUICE_SIGNUP", "open")]).await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let list = users(&app, &alice).await;
    let id = |name: &str| list.iter().find(|u| u.name == name).expect(name).id;
    let (alice_id, bob_id) = (id("alice"), id("bob"));
    let call = |token: &str, path: &str, body: Value| {
        let (app, token, path) = (&app, token.to_string(), path.to_string());
        async move {
            app.api_as(Some(&token), &path, body)
                .await
                .status()
                .as_u16()
        }
    };

    // Non-admins get 403 from every admin function.
    for (path, body) in [
        ("/api/admin/users", json!({})),
        (
            "/api/admin/set_status",
            json!({"user_id": alice_id, "status": "disabled"}),
        ),
        (
            "/api/admin/set_admin",
            json!({"user_id": bob_id, "is_admin": true}),
        ),
        (
            "/api/admin/reset_password",
            json!({"user_id": alice_id, "password": "taken over!"}),
        ),
    ] {
        assert_eq!(call(&bob, path, body).await, 403, "{path}");
    }
    // The only admin can neither demote nor disable herself.
    let demote_self = json!({"user_id": alice_id, "is_admin": false});
    assert_eq!(
        call(&alice, "/api/admin/set_admin", demote_self.clone()).await,
        409
    );
    let disable_self = json!({"user_id": alice_id, "status": "disabled"});
    assert_eq!(
        call(&alice, "/api/admin/set_status", disable_self).await,
        409
    );
    assert_eq!(
        call(
            &alice,
            "/api/admin/set_admin",
            json!({"user_id": 999, "is_admin": true})
        )
        .await,
        404
    );
    // With Bob promoted she can step down; then she has no admin rights.
    let promote = json!({"user_id": bob_id, "is_admin": true});
    assert_eq!(call(&alice, "/api/admin/set_admin", promote).await, 200);
    assert_eq!(call(&alice, "/api/admin/set_admin", demote_self).await, 200);
    assert_eq!(call(&alice, "/api/admin/users", json!({})).await, 403);
    let bob_self = json!({"user_id": bob_id, "is_admin": false});
    assert_eq!(call(&bob, "/api/admin/set_admin", bob_self).await, 409);

    // Reset: Alice's sessions end, the new password works, the old one does not.
    let reset = json!({"user_id": alice_id, "password": "reset by bob"});
    assert_eq!(call(&bob, "/api/admin/reset_password", reset).await, 200);
    assert!(!works(&app, &alice).await);
    assert_eq!(app.sign_in("alice", "alice password").await.status(), 401);
    let alice = app.signed_in("alice", "reset by bob").await;

    // Disabled: sessions end at once and sign-in is refused; enabling restores sign-in.
    let disable = json!({"user_id": alice_id, "status": "disabled"});
    assert_eq!(call(&bob, "/api/admin/set_status", disable).await, 200);
    assert!(!works(&app, &alice).await);
    let refused = app.sign_in("alice", "reset by bob").await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("disabled"));
    let enable = json!({"user_id": alice_id, "status": "active"});
    assert_eq!(call(&bob, "/api/admin/set_status", enable).await, 200);
    let alice = app.signed_in("alice", "reset by bob").await;
    assert!(works(&app, &alice).await);

    // No response of any of this carried a password hash.
    let body = app
        .api_as(Some(&bob), "/api/admin/users", json!({}))
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("$argon2"), "{body}");
}

#[tokio::test]
async fn pages_redirect_to_sign_in_without_a_session() {
    let app = app_with(&[]).await;
    for path in ["/", "/c/00000000-0000-0000-0000-000000000000", "/admin"] {
        let response = app.get_as(None, path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], "/sign-in");
    }
    // The sign-in page itself needs no session.
    let sign_in = app.get_as(None, "/sign-in").await;
    assert_eq!(sign_in.status(), 200);
    assert!(sign_in
        .text()
        .await
        .unwrap()
        .contains("data-testid=\"auth-page\""));
    let token = app.signed_up("alice", "alice password").await;
    assert_eq!(app.get_as(Some(&token), "/").await.status(), 200);
    assert_eq!(app.get_as(Some(&token), "/admin").await.status(), 200);
    assert_eq!(app.get_as(Some("forged"), "/").await.status(), 303);
}

#[tokio::test]
async fn trusted_header_is_honoured_only_from_a_trusted_proxy() {
    let app = TestApp::spawn(&[
        ("SLUICE_AUTH", "trusted_header"),
        ("SLUICE_TRUSTED_HEADER", "X-Auth-User"),
    ])
    .await;
    let as_proxy = |name: &'static str| {
        app.client
            .post(app.url("/api/auth/status"))
            .header("x-auth-user", name)
            .header("x-forwarded-proto", "https")
            .json(&json!({}))
            .send()
    };
    let status: AuthStatus = as_proxy("carol").await.unwrap().json().await.unwrap();
    let carol = status.user.expect("named user");
    assert_eq!(carol.name, "carol");
    assert!(
        carol.is_admin,
        "the first proxy-named user is the first admin"
    );
    let list = app
        .client
        .post(app.url("/api/conversations/list"))
        .header("x-auth-user", "dave")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(app.sign_in("carol", "any password").await.status(), 400);
    assert_eq!(
        app.api_as(None, "/api/conversations/list", json!({}))
            .await
            .status(),
        401
    );

    // Only 10.9.9.9 is trusted: the same header from 127.0.0.1 names nobody.
    let untrusted = TestApp::spawn(&[
        ("SLUICE_AUTH", "trusted_header"),
        ("SLUICE_TRUSTED_PROXIES", "10.9.9.9"),
    ])
    .await;
    let response = untrusted
        .client
        .post(untrusted.url("/api/conversations/list"))
        .header("remote-user", "mallory")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(untrusted.state.store.no_accounts_yet().await.unwrap());
}

#[tokio::test]
async fn cookie_secure_follows_the_trusted_proxy_scheme() {
    let app = app_with(&[]).await;
    let response = app
        .client
        .post(app.url("/api/auth/sign_up"))
        .header("x-forwarded-proto", "https")
        .json(&json!({"name": "alice", "password": "alice password",
                      "setup_token": app.setup_token()}))
        .send()
        .await
        .unwrap();
    let cookie = set_cookie_header(&response).unwrap();
    assert!(cookie.starts_with("__Host-sluice_session=") && cookie.contains("; Secure"));
    let never = app_with(&[("SLUICE_TRUSTED_PROXIES", "10.9.9.9")]).await;
    let response = never
        .client
        .post(never.url("/api/auth/sign_up"))
        .header("x-forwarded-proto", "https")
        .json(&json!({"name": "alice", "password": "alice password",
                      "setup_token": never.setup_token()}))
        .send()
        .await
        .unwrap();
    let cookie = set_cookie_header(&response).unwrap();
    assert!(cookie.starts_with("sluice_session=") && !cookie.contains("Secure"));
    let always = app_with(&[("SLUICE_COOKIE_SECURE", "always")]).await;
    let response = always.sign_up("alice", "alice password").await;
    let cookie = set_cookie_header(&response).unwrap();
    assert!(cookie.starts_with("__Host-sluice_session=") && cookie.contains("; Secure"));
}

#[tokio::test]
async fn single_user_mode_needs_a_loopback_address() {
    let local = |s: &str| s.parse().unwrap();
    assert!(check_bind(AuthMode::Off, local("127.0.0.1:3000")).is_ok());
    assert!(check_bind(AuthMode::Off, local("[::1]:3000")).is_ok());
    let refused = check_bind(AuthMode::Off, local("0.0.0.0:3000")).unwrap_err();
    assert!(refused.contains("auth = \"off\"") && refused.contains("0.0.0.0:3000"));
    assert!(check_bind(AuthMode::Off, local("192.168.1.5:80")).is_err());
    assert!(check_bind(AuthMode::Local, local("0.0.0.0:3000")).is_ok());
    assert!(check_bind(AuthMode::TrustedHeader, local("[::]:3000")).is_ok());
}

#[tokio::test]
async fn off_mode_refuses_accounts_and_admin_functions() {
    let app = TestApp::spawn(&[]).await;
    let status = status(&app, None).await;
    assert_eq!(status.mode, AuthMode::Off);
    assert_eq!(status.user.map(|u| u.id), Some(1));
    assert_eq!(app.sign_up("alice", "alice password").await.status(), 400);
    assert_eq!(
        app.api_as(None, "/api/admin/users", json!({}))
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn the_first_account_keeps_single_user_conversations() {
    let app = app_with(&[]).await;
    let store = &app.state.store;
    let old = store
        .create_conversation(sluice::store::UserId::LOCAL, "from off mode", None, None)
        .await
        .unwrap();
    let alice = app.signed_up("alice", "alice password").await;
    let list = app
        .api_as(Some(&alice), "/api/conversations/list", json!({}))
        .await;
    let body = list.text().await.unwrap();
    assert!(body.contains(old.id.as_str()), "{body}");
}

#[tokio::test]
async fn repeated_wrong_passwords_back_off_with_429_and_retry_after() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local"), ("SLUICE_SIGN_IN_ATTEMPTS", "2")]).await;
    app.signed_up("alice", "correct horse battery").await;
    for _ in 0..2 {
        let wrong = app.sign_in("alice", "wrong password!").await;
        assert_eq!(wrong.status(), 401);
    }
    let throttled = app.sign_in("alice", "wrong password!").await;
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = header_value(&throttled, "retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(retry_after >= 1);
    let text = throttled.text().await.expect("body");
    assert!(text.contains("Wait"), "{text}");
    // Even the right password waits out the back-off: guessing cannot race it.
    let right = app.sign_in("alice", "correct horse battery").await;
    assert_eq!(right.status(), 429);
}

#[tokio::test]
async fn racing_first_sign_ups_make_exactly_one_active_admin() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local"), ("SLUICE_SIGNUP", "approval")]).await;
    let names = ["ann", "ben", "cat", "dan"];
    let results = futures::future::join_all(
        names
            .iter()
            .map(|name| app.sign_up(name, "a long enough password")),
    )
    .await;
    let mut bodies = Vec::new();
    for response in results {
        assert_eq!(response.status(), 200);
        bodies.push(response.json::<SignUpResult>().await.expect("sign-up JSON"));
    }
    let admins: Vec<_> = bodies.iter().filter(|b| b.account.is_admin).collect();
    assert_eq!(admins.len(), 1, "{bodies:?}");
    assert!(!admins[0].pending);
    assert!(
        bodies
            .iter()
            .filter(|b| !b.account.is_admin)
            .all(|b| b.pending),
        "the others wait for approval: {bodies:?}"
    );
}
