//! DNS rebinding: requests whose `Host` names a foreign site (what a page on `evil.example`
//! sends once its name points at 127.0.0.1) are refused everywhere in `off` mode, and in
//! every mode when `allowed_hosts` is set; loopback names on any port and the listed names
//! pass. Also the shapes of the host a raw client can send: none (HTTP/1.0), two `Host`
//! headers, an absolute-form URI.

use crate::support::{stored_ids, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The start of the refusal's sentence.
const FOREIGN: &str = "This server does not answer to that host name.";

/// Sends `request` with `Host: host` and the matching `Origin`, as a
/// rebinding page's `fetch` would; returns (status, body).
async fn as_host(request: reqwest::RequestBuilder, host: &str) -> (u16, String) {
    let response = request
        .header("host", host)
        .header("origin", format!("http://{host}"))
        .send()
        .await
        .expect("an HTTP answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_rebound_page_reaches_nothing_in_off_mode() {
    let app = TestApp::fast_demo().await;
    let events = app
        .send_and_finish(None, None, "a secret about the local user")
        .await;
    let stored = stored_ids(&events);
    let id = stored.conversation_id.clone();
    let evil = format!("evil.example:{}", app.addr.port());
    let json = |path: &str, body: serde_json::Value| app.client.post(app.url(path)).json(&body);
    let requests = [
        (
            "list",
            json("/api/conversations/list", serde_json::json!({})),
        ),
        (
            "get",
            json("/api/conversations/get", serde_json::json!({"id": id})),
        ),
        (
            "chat",
            json(
                "/api/chat/stream",
                serde_json::json!({"messages": [{"role": "user", "content": "spend the key"}]}),
            ),
        ),
        ("models", json("/api/models", serde_json::json!({}))),
        ("page", app.client.get(app.url("/"))),
        (
            "conversation page",
            app.client.get(app.url(&format!("/c/{id}"))),
        ),
        (
            "export",
            app.client
                .get(app.url(&format!("/api/conversations/{id}/export?format=json"))),
        ),
        (
            "events",
            app.client
                .get(app.url(&format!("/api/turns/{}/events", stored.answer_id))),
        ),
        ("static file", app.client.get(app.url("/pkg/sluice.js"))),
        ("unknown path", app.client.get(app.url("/favicon.ico"))),
    ];
    for (what, request) in requests {
        for host in [evil.as_str(), "evil.example"] {
            let (status, body) = as_host(request.try_clone().expect("clone"), host).await;
            assert_eq!(status, 403, "{what} as {host}: {body}");
            assert!(body.contains(FOREIGN), "{what} as {host}: {body}");
            assert!(!body.contains("secret"), "{what} leaked: {body}");
        }
    }
    assert_eq!(
        app.conversation(&id).await.messages.len(),
        2,
        "nothing was added by the refused chat request"
    );
}

#[tokio::test]
async fn loopback_names_on_any_port_and_listed_names_pass_in_off_mode() {
    let app = TestApp::spawn(&[("SLUICE_ALLOWED_HOSTS", "chat.lan, 192.168.1.20")]).await;
    let port = app.addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
        format!("chat.lan:{port}"),
        "Chat.LAN".to_string(),
        "192.168.1.20:8443".to_string(),
    ] {
        let (status, body) = as_host(app.client.post(app.url("/api/models")), &host).await;
        assert_eq!(status, 200, "{host}: {body}");
    }
    for host in [
        "chat.lan.evil.example",
        "192.168.1.21",
        "127.0.0.2",
        "0.0.0.0",
    ] {
        let (status, body) = as_host(app.client.post(app.url("/api/models")), host).await;
        assert_eq!(status, 403, "{host}: {body}");
    }
}

#[tokio::test]
async fn allowed_hosts_applies_in_the_other_modes_too() {
    let listed = TestApp::spawn(&[
        ("SLUICE_AUTH", "local"),
        ("SLUICE_ALLOWED_HOSTS", "chat.example.org"),
    ])
    .await;
    let status = |app: &TestApp| {
        app.client
            .post(app.url("/api/auth/status"))
            .json(&serde_json::json!({}))
    };
    let (code, body) = as_host(status(&listed), "chat.example.org").await;
    assert_eq!(code, 200, "{body}");
    for host in ["evil.example", "localhost", "127.0.0.1"] {
        let (code, body) = as_host(status(&listed), host).await;
        assert_eq!(code, 403, "{host}: {body}");
        assert!(body.contains(FOREIGN), "{body}");
    }
    let sign_in = listed
        .client
        .post(listed.url("/api/auth/sign_in"))
        .json(&serde_json::json!({"name": "alice", "password": "alice password"}));
    let (code, _) = as_host(sign_in, "evil.example").await;
    assert_eq!(code, 403, "sign-in is covered too");

    // Without the setting, `local` mode answers any name (a session is needed anyway).
    let open = TestApp::spawn(&[("SLUICE_AUTH", "local")]).await;
    let (code, body) = as_host(status(&open), "anything.example").await;
    assert_eq!(code, 200, "{body}");
}

#[tokio::test]
async fn an_invalid_allowed_host_stops_start_up_with_a_sentence() {
    for bad in ["https://chat.example.org", "chat.example.org:443", "*"] {
        let env = std::collections::HashMap::from([(
            "SLUICE_ALLOWED_HOSTS".to_string(),
            bad.to_string(),
        )]);
        let error =
            sluice::server::config::Config::from_parts(None, None, &env).expect_err("refused");
        assert!(error.contains("allowed_hosts"), "{error}");
    }
    let file = "[server]\nallowed_hosts = [\"chat.lan\", \"::1\"]\n";
    let config = sluice::server::config::Config::from_parts(
        None,
        Some(file),
        &std::collections::HashMap::new(),
    )
    .expect("valid");
    assert_eq!(config.server.allowed_hosts, ["chat.lan", "[::1]"]);
    let env = std::collections::HashMap::from([(
        "SLUICE_ALLOWED_HOSTS".to_string(),
        " Box.LAN , ".to_string(),
    )]);
    let config = sluice::server::config::Config::from_parts(None, Some(file), &env).expect("valid");
    assert_eq!(
        config.server.allowed_hosts,
        ["box.lan"],
        "the variable wins"
    );
}

/// Writes `request` as is to the app and reads the answer until the server closes the
/// connection; returns (status, body).
async fn raw(app: &TestApp, request: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("the server answers and closes")
    .expect("read");
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn missing_doubled_and_absolute_form_hosts_are_decided() {
    let app = TestApp::spawn(&[]).await;
    let port = app.addr.port();
    // HTTP/1.0 without Host names no host: refused, never answered as the local user.
    let (status, body) = raw(&app, "GET /api/conversations/x/export HTTP/1.0\r\n\r\n").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("names no host"), "{body}");
    let (status, body) = raw(
        &app,
        &format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("more than once"), "{body}");
    // Absolute form: the URI's host counts as well as Host's.
    let (status, body) = raw(
        &app,
        &format!(
            "GET http://evil.example:{port}/api/conversations/x/export HTTP/1.1\r\n\
             Host: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains(FOREIGN), "{body}");
    let (status, body) = raw(
        &app,
        &format!(
            "GET http://127.0.0.1:{port}/api/conversations/x/export HTTP/1.1\r\n\
             Host: evil.example\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = raw(
        &app,
        &format!(
            "GET http://localhost:{port}/api/conversations/nope/export HTTP/1.1\r\n\
             Host: localhost:{port}\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 404, "answered normally: {body}");
    // A HTTP/1.0 request that names its host is answered.
    let (status, body) = raw(
        &app,
        &format!("GET /api/conversations/nope/export HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}
