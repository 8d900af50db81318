//! Hostile traffic against accounts: the first visitor of a fresh `local` instance cannot make
//! themselves admin without the set-up token (or `sluice admin create`); sign-ups are
//! throttled per IP and checked before any password is hashed; password hashes are bounded
//! (503 "busy" with `Retry-After` when every slot stays taken, not counted as a failure);
//! sign-in refuses impossible names before they reach the throttle; password changes are
//! throttled per account; a planted duplicate session cookie cannot shadow the real one and a
//! `Secure` cookie is `__Host-` prefixed; new names are NFC without invisible or
//! text-direction characters.

use crate::support::server_process::{database_url_of, free_port, store_of};
use crate::support::{header_value, session_token, TempDir, TestApp, LOCAL_AUTH};
use serde_json::{json, Value};
use sluice::account::{AuthStatus, SignUpResult};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An app with local accounts and `extra` settings.
async fn app_with(extra: &[(&str, &str)]) -> TestApp {
    let mut env = LOCAL_AUTH.to_vec();
    env.extend_from_slice(extra);
    TestApp::spawn(&env).await
}

/// A sign-up with exactly `body` (no token added).
async fn sign_up_raw(app: &TestApp, body: Value) -> reqwest::Response {
    app.api_as(None, "/api/auth/sign_up", body).await
}

/// Status and body text.
async fn answer(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The auth status without a session.
async fn status(app: &TestApp) -> AuthStatus {
    let response = app.api_as(None, "/api/auth/status", json!({})).await;
    response.json().await.expect("status JSON")
}

#[tokio::test]
async fn the_first_sign_up_needs_the_setup_token() {
    let app = app_with(&[]).await;
    assert!(status(&app).await.setup_token_needed);
    let store = &app.state.store;
    let old = store
        .create_conversation(sluice::store::UserId::LOCAL, "from off mode", None, None)
        .await
        .expect("conversation");

    let body = json!({"name": "mallory", "password": "mallory password"});
    let (code, text) = answer(sign_up_raw(&app, body).await).await;
    assert_eq!(code, 403, "{text}");
    assert!(text.contains("set-up token printed"), "{text}");
    let body = json!({"name": "mallory", "password": "mallory password",
                      "setup_token": "a guess at the token"});
    let (code, text) = answer(sign_up_raw(&app, body).await).await;
    assert_eq!(code, 403, "{text}");
    assert!(text.contains("set-up token is wrong"), "{text}");
    assert!(
        store.no_accounts_yet().await.expect("accounts"),
        "nothing created"
    );
    assert!(store
        .account_by_name("mallory")
        .await
        .expect("lookup")
        .is_none());

    let body = json!({"name": "ada", "password": "ada's password",
                      "setup_token": app.setup_token()});
    let response = sign_up_raw(&app, body).await;
    assert_eq!(response.status(), 200);
    let ada = session_token(&response).expect("signed in");
    let result: SignUpResult = response.json().await.expect("JSON");
    assert!(result.account.is_admin && !result.pending);
    let list = app
        .api_as(Some(&ada), "/api/conversations/list", json!({}))
        .await;
    assert!(list.text().await.expect("list").contains(old.id.as_str()));
    let after = status(&app).await;
    assert!(!after.first_user && !after.setup_token_needed);

    // Later sign-ups need no token and follow the sign-up mode (approval by default).
    let response = sign_up_raw(&app, json!({"name": "bob", "password": "bobs password"})).await;
    assert_eq!(response.status(), 200);
    let result: SignUpResult = response.json().await.expect("JSON");
    assert!(result.pending && !result.account.is_admin);
    let closed = app_with(&[("SLUICE_SIGNUP", "closed")]).await;
    closed.signed_up("ada", "ada's password").await;
    let (code, text) = answer(
        sign_up_raw(
            &closed,
            json!({"name": "eve", "password": "eves password", "setup_token": closed.setup_token()}),
        )
        .await,
    )
    .await;
    assert_eq!(code, 403, "{text}");
    assert!(text.contains("closed"), "{text}");
}

#[tokio::test]
async fn sluice_admin_token_is_the_setup_token() {
    let token = "operator-chosen-token-0123";
    let app = app_with(&[("SLUICE_ADMIN_TOKEN", token)]).await;
    let body = json!({"name": "ada", "password": "ada's password", "setup_token": "x".repeat(26)});
    assert_eq!(sign_up_raw(&app, body).await.status(), 403);
    let body = json!({"name": "ada", "password": "ada's password", "setup_token": token});
    let result: SignUpResult = sign_up_raw(&app, body).await.json().await.expect("JSON");
    assert!(result.account.is_admin);
}

/// A server child process, killed and reaped when dropped (also when a test fails).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary in `local` mode on a free port with `extra` env; returns the process,
/// its stdout up to the end of the set-up announcement, and its port.
async fn start_local_binary(dir: &TempDir, extra: &[(&str, &str)]) -> (Running, String, u16) {
    let port = free_port();
    // Start-up refuses a site root without `pkg/`; the API needs no page assets.
    std::fs::create_dir_all(dir.path.join("pkg")).expect("pkg folder");
    let database = database_url_of(&dir.path).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .current_dir(&dir.path)
        .env_clear()
        .env("LEPTOS_OUTPUT_NAME", "sluice")
        .env("LEPTOS_SITE_ROOT", &dir.path)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_ENV", "PROD")
        .env("SLUICE_DATA_DIR", &dir.path)
        .env("SLUICE_DETECT_OLLAMA", "false")
        .env("SLUICE_AUTH", "local")
        .env("RUST_LOG", "warn")
        .envs(database.as_deref().map(|url| ("SLUICE_DATABASE_URL", url)))
        .envs(extra.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sluice binary");
    let stdout = child.stdout.take().expect("stdout");
    let child = Running(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !text.contains("sluice admin create") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                text.push_str(&line);
                text.push('\n');
            }
            Err(_) => panic!("no set-up announcement on stdout within 30 s: {text:?}"),
        }
    }
    (child, text, port)
}

#[tokio::test]
async fn the_binary_prints_a_fresh_setup_token_that_the_first_sign_up_presents() {
    let dir = TempDir::new("setup-token");
    let (child, text, port) = start_local_binary(&dir, &[]).await;
    let token = text
        .lines()
        .skip_while(|line| !line.contains("set-up token"))
        .skip(1)
        .map(str::trim)
        .find(|line| !line.is_empty())
        .expect("the token line")
        .to_string();
    let client = crate::support::server_process::local_client();
    let url = format!("http://127.0.0.1:{port}/api/auth/sign_up");
    let wrong = client
        .post(&url)
        .json(&json!({"name": "ada", "password": "ada's password", "setup_token": "nope"}))
        .send()
        .await
        .expect("sign-up");
    assert_eq!(wrong.status(), 403);
    let right = client
        .post(&url)
        .json(&json!({"name": "ada", "password": "ada's password", "setup_token": token}))
        .send()
        .await
        .expect("sign-up");
    assert_eq!(right.status(), 200, "token {token:?} from {text:?}");
    drop(child);

    // A token chosen by the operator is not printed.
    let dir = TempDir::new("setup-token-env");
    let (_child, text, _) = start_local_binary(
        &dir,
        &[("SLUICE_ADMIN_TOKEN", "operator-chosen-token-0123")],
    )
    .await;
    assert!(text.contains("SLUICE_ADMIN_TOKEN") && !text.contains("operator-chosen"));
}

/// Runs `sluice admin ARGS` on the database of `dir` with `stdin` as input.
async fn admin_command(dir: &TempDir, args: &[&str], stdin: &str) -> (bool, String, String) {
    let database = database_url_of(&dir.path).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .current_dir(&dir.path)
        .env_clear()
        .env("SLUICE_DATA_DIR", &dir.path)
        .env("SLUICE_AUTH", "local")
        .envs(database.as_deref().map(|url| ("SLUICE_DATABASE_URL", url)))
        .arg("admin")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sluice admin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write the password");
    let output = child.wait_with_output().expect("sluice admin output");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn sluice_admin_create_makes_an_administrator_in_the_database() {
    let dir = TempDir::new("admin-create");
    let (ok, out, err) = admin_command(&dir, &["create", "ada"], "ada's password\n").await;
    assert!(ok, "{out} {err}");
    assert!(
        out.contains("Created the administrator account “ada”"),
        "{out}"
    );
    // Another admin on an instance that has one; a taken name and bad input are refused.
    let (ok, _, err) = admin_command(&dir, &["create", "bob"], "bobs password\n").await;
    assert!(ok, "{err}");
    let (ok, _, err) = admin_command(&dir, &["create", "ADA"], "another password\n").await;
    assert!(!ok && err.contains("taken"), "{err}");
    let (ok, _, err) = admin_command(&dir, &["create", "carol"], "short\n").await;
    assert!(!ok && err.contains("too short"), "{err}");
    let (ok, _, err) = admin_command(&dir, &["create", "c\u{200B}arol"], "long password\n").await;
    assert!(!ok && err.contains("invisible"), "{err}");
    let (ok, _, err) = admin_command(&dir, &["remove", "ada"], "").await;
    assert!(!ok && err.contains("Usage: sluice admin"), "{err}");

    let store = store_of(&dir.path).await;
    for (name, password) in [("ada", "ada's password"), ("bob", "bobs password")] {
        let account = store.sign_in(name, password).await.expect("signs in");
        assert!(account.is_admin, "{name}");
    }
    assert!(store
        .account_by_name("carol")
        .await
        .expect("lookup")
        .is_none());
    store.close().await;
}

#[tokio::test]
async fn names_are_checked_before_any_password_is_hashed() {
    let app = app_with(&[
        ("SLUICE_SIGNUP", "open"),
        ("SLUICE_PASSWORD_HASHES", "1"),
        ("SLUICE_PASSWORD_HASH_WAIT_SECS", "0.05"),
    ])
    .await;
    let ada = app.signed_up("ada", "ada's password").await;
    let busy = app
        .state
        .store
        .password_hashing()
        .try_hold()
        .expect("the only hashing slot");
    // Refusals that need no hash are given while every slot is taken.
    for (name, code) in [("ADA", 409), ("", 400), ("a\u{200B}b", 400)] {
        let body = json!({"name": name, "password": "a long password"});
        let (status, text) = answer(sign_up_raw(&app, body).await).await;
        assert_eq!(status, code, "{name:?}: {text}");
    }
    // What needs a hash waits, then is refused as busy: 503, Retry-After, a sentence.
    let started = Instant::now();
    let response = sign_up_raw(&app, json!({"name": "bob", "password": "bobs password"})).await;
    assert_eq!(response.status(), 503);
    assert!(header_value(&response, "retry-after").is_some());
    let text = response.text().await.expect("body");
    assert!(
        text.contains("The server is busy; try again in a few seconds."),
        "{text}"
    );
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert!(app
        .state
        .store
        .account_by_name("bob")
        .await
        .expect("lookup")
        .is_none());
    for (path, body) in [
        (
            "/api/auth/sign_in",
            json!({"name": "ada", "password": "ada's password"}),
        ),
        (
            "/api/auth/change_password",
            json!({"current": "ada's password", "new": "a new password"}),
        ),
        (
            "/api/admin/reset_password",
            json!({"user_id": 1, "password": "a new password"}),
        ),
    ] {
        let (status, text) = answer(app.api_as(Some(&ada), path, body).await).await;
        assert_eq!(status, 503, "{path}: {text}");
    }
    drop(busy);
    app.signed_in("ada", "ada's password").await;
    app.signed_up("bob", "bobs password").await;
}

#[tokio::test]
async fn busy_refusals_are_not_counted_as_failed_sign_ins() {
    let app = app_with(&[
        ("SLUICE_SIGN_IN_ATTEMPTS", "1"),
        ("SLUICE_PASSWORD_HASH_WAIT_SECS", "0.02"),
        ("SLUICE_PASSWORD_HASHES", "1"),
    ])
    .await;
    app.signed_up("ada", "ada's password").await;
    let busy = app.state.store.password_hashing().try_hold().expect("slot");
    for _ in 0..3 {
        assert_eq!(app.sign_in("ada", "ada's password").await.status(), 503);
    }
    drop(busy);
    app.signed_in("ada", "ada's password").await;
}

#[tokio::test]
async fn sign_ups_are_throttled_per_ip() {
    let app = app_with(&[("SLUICE_SIGNUP", "open"), ("SLUICE_SIGN_UP_ATTEMPTS", "2")]).await;
    // Refused input costs nothing and is not counted.
    for _ in 0..5 {
        assert_eq!(app.sign_up("", "a long password").await.status(), 400);
    }
    app.signed_up("ada", "ada's password").await;
    app.signed_up("bob", "bobs password").await;
    let response = app.sign_up("carol", "carols password").await;
    assert_eq!(response.status(), 429);
    let retry: u64 = header_value(&response, "retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!(retry >= 1);
    let text = response.text().await.expect("body");
    assert!(
        text.contains("Too many sign-ups from your network address. Wait"),
        "{text}"
    );
    assert!(app
        .state
        .store
        .account_by_name("carol")
        .await
        .expect("lookup")
        .is_none());
}

#[tokio::test]
async fn impossible_names_on_sign_in_are_400_and_not_counted() {
    let app = app_with(&[("SLUICE_SIGN_IN_ATTEMPTS", "1")]).await;
    app.signed_up("ada", "ada's password").await;
    let (long, over) = ("n".repeat(10_000), "x".repeat(65));
    for name in [long.as_str(), "", "a\u{0007}b", over.as_str()] {
        for _ in 0..3 {
            let (status, text) = answer(app.sign_in(name, "whatever password").await).await;
            assert_eq!(status, 400, "{:.20}: {text}", name);
        }
    }
    // Neither the IP nor any account was counted: the first real failure is a 401.
    assert_eq!(app.sign_in("ada", "wrong password").await.status(), 401);
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_per_account() {
    let app = app_with(&[("SLUICE_SIGN_IN_ATTEMPTS", "2")]).await;
    let ada = app.signed_up("ada", "ada's password").await;
    let change = |current: &'static str| {
        app.api_as(
            Some(&ada),
            "/api/auth/change_password",
            json!({"current": current, "new": "a new password"}),
        )
    };
    assert_eq!(change("guess one").await.status(), 403);
    assert_eq!(change("guess two").await.status(), 403);
    let throttled = change("ada's password").await;
    assert_eq!(throttled.status(), 429);
    assert!(header_value(&throttled, "retry-after").is_some());
    let text = throttled.text().await.expect("body");
    assert!(
        text.contains("Too many wrong current passwords. Wait"),
        "{text}"
    );
    // The password is unchanged.
    app.signed_in("ada", "ada's password").await;
}

#[tokio::test]
async fn a_planted_session_cookie_does_not_shadow_the_real_one() {
    let app = app_with(&[]).await;
    let ada = app.signed_up("ada", "ada's password").await;
    let bogus = "A".repeat(43);
    let list = |cookies: Vec<String>| {
        let mut request = app
            .client
            .post(app.url("/api/conversations/list"))
            .json(&json!({}));
        for cookie in cookies {
            request = request.header("cookie", cookie);
        }
        async move { request.send().await.expect("list").status().as_u16() }
    };
    let planted = format!("sluice_session={bogus}");
    let real = format!("sluice_session={ada}");
    assert_eq!(list(vec![planted.clone(), real.clone()]).await, 200);
    assert_eq!(list(vec![format!("{planted}; {real}")]).await, 200);
    assert_eq!(list(vec![format!("theme=x; {planted}"), real]).await, 200);
    assert_eq!(list(vec![planted]).await, 401);

    // A Secure cookie is __Host- prefixed and only that name is read then.
    let secure = app_with(&[("SLUICE_COOKIE_SECURE", "always")]).await;
    let token = secure.signed_up("ada", "ada's password").await;
    let list_secure = |cookie: String| {
        let request = secure
            .client
            .post(secure.url("/api/conversations/list"))
            .header("cookie", cookie)
            .json(&json!({}));
        async move { request.send().await.expect("list").status().as_u16() }
    };
    assert_eq!(
        list_secure(format!("__Host-sluice_session={token}")).await,
        200
    );
    assert_eq!(list_secure(format!("sluice_session={token}")).await, 401);
}

#[tokio::test]
async fn new_names_are_nfc_without_invisible_or_direction_characters() {
    let app = app_with(&[("SLUICE_SIGNUP", "open")]).await;
    app.signed_up("ada", "ada's password").await;
    for name in [
        "ad\u{200B}a",
        "\u{202E}ada",
        "ada\u{2066}",
        "a\u{00A0}da",
        "\u{FEFF}bob",
    ] {
        let (status, text) = answer(app.sign_up(name, "a long password").await).await;
        assert_eq!(status, 400, "{name:?}: {text}");
        assert!(text.contains("invisible or text-direction"), "{text}");
    }
    // "José" typed decomposed is stored composed; both spellings sign in; a case variant is
    // the same name.
    let response = app.sign_up("Jose\u{301}", "joses password").await;
    let result: SignUpResult = response.json().await.expect("JSON");
    assert_eq!(result.account.name, "Jos\u{E9}");
    app.signed_in("Jos\u{E9}", "joses password").await;
    app.signed_in("Jose\u{301}", "joses password").await;
    assert_eq!(
        app.sign_up("JOS\u{E9}", "another password").await.status(),
        409
    );

    // A name stored decomposed before this rule still signs in as it was typed.
    app.state
        .store
        .create_account("Rene\u{301}", Some("renes password"), false)
        .await
        .expect("legacy account");
    app.signed_in("Rene\u{301}", "renes password").await;
}
