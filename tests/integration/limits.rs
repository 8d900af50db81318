//! Rate limits and the cross-site check through the real router: answers per minute and
//! concurrent streams per user, requests per IP, sign-in back-off, `Origin` /
//! `Sec-Fetch-Site` refusals and CORS only for configured origins; plus their configuration.

use crate::support::{env_map, start_fake, EventReader, TestApp};
use serde_json::json;
use sluice::events::ChatEvent;
use sluice::server::config::{Config, LimitsConfig};
use sluice::server::error::AppError;
use sluice::store::UserId;
use std::time::{Duration, Instant};

/// Asserts a 429 with a `Retry-After` of at least one second and a server-function error body
/// containing `words`; returns the Retry-After seconds.
async fn assert_too_many(response: reqwest::Response, words: &str) -> u64 {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .expect("Retry-After header")
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("whole seconds");
    assert!(retry_after >= 1);
    let body = response.text().await.expect("body");
    let message = crate::support::error_message(&body);
    assert!(message.contains(words), "{message:?} lacks {words:?}");
    retry_after
}

#[tokio::test]
async fn the_message_over_the_per_minute_limit_is_429_and_stores_nothing() {
    let app = TestApp::fast_demo_and(&[("SLUICE_MESSAGES_PER_MINUTE", "2")]).await;
    app.send_and_finish(None, None, "one").await;
    app.send_and_finish(None, None, "two").await;
    let third = app
        .stored_turn(None, json!({"type": "send", "content": "three"}))
        .await;
    let retry_after = assert_too_many(third, "sending messages too quickly").await;
    // Two per minute: the next token is about 30 s away, and the text says so.
    assert!((25..=30).contains(&retry_after), "{retry_after}");

    let list = app.conversation_list().await;
    assert_eq!(list.len(), 2, "the refused message created nothing");
    // Temporary chats count against the same budget.
    let temporary = app.stream_chat("demo/sluice-demo", "four").await;
    assert_too_many(temporary, &format!("Wait {retry_after} s")).await;
}

#[tokio::test]
async fn concurrent_streams_beyond_the_limit_are_refused_until_one_ends() {
    let fake = start_fake().await;
    let settings = [
        ("SLUICE_CONCURRENT_STREAMS", "2"),
        ("SLUICE_TURN_GRACE_SECS", "1"),
    ];
    let app = TestApp::with_fake_and(&fake, "fake-slow", &settings).await;
    let mut open = Vec::new();
    for n in 0..2 {
        let response = app
            .stored_turn(
                None,
                json!({"type": "send", "content": format!("slow {n}")}),
            )
            .await;
        assert_eq!(response.status(), 200);
        let mut reader = EventReader::new(response);
        assert!(matches!(
            reader.next_event().await,
            Some((1, ChatEvent::Started { .. }))
        ));
        open.push(reader);
    }
    let extra = app.stream_chat("openai/fake-slow", "one too many").await;
    assert_too_many(extra, "You already have 2 answers streaming").await;

    // The browser goes away: the turn (and its slot) lives on for the grace period, in case
    // the page comes back, and is freed when it ends.
    // The README promises exactly that (issue 21): an orphaned answer still counts, because
    // it still streams from the provider.
    drop(open.pop());
    let orphaned = app.stream_chat("openai/fake-slow", "while orphaned").await;
    assert_too_many(orphaned, "You already have 2 answers streaming").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let live = || async {
        app.state
            .limits
            .live_streams(UserId::LOCAL)
            .await
            .expect("counted in this process")
    };
    while live().await > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(live().await, 1);
    let again = app
        .stream_chat("openai/fake-slow", "now there is room")
        .await;
    assert_eq!(again.status(), 200);
    drop(again);
}

#[tokio::test]
async fn requests_per_ip_beyond_the_limit_are_429() {
    let app = TestApp::spawn(&[("SLUICE_IP_REQUESTS_PER_MINUTE", "3")]).await;
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url("/api/models"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
    }
    let refused = app
        .client
        .post(app.url("/api/models"))
        .send()
        .await
        .expect("request");
    assert_too_many(refused, "Too many requests from your network address").await;
    // The export download is counted too, and refused in plain text.
    let export = app
        .client
        .get(app.url("/api/conversations/x/export"))
        .send()
        .await
        .expect("request");
    assert_eq!(export.status(), 429);
    assert!(export.headers().contains_key("retry-after"));
    assert!(export
        .text()
        .await
        .expect("body")
        .starts_with("Too many requests"));
}

#[tokio::test]
async fn sign_in_attempts_back_off_after_the_configured_failures() {
    let app = TestApp::spawn(&[("SLUICE_SIGN_IN_ATTEMPTS", "2")]).await;
    let ip = Some("192.0.2.9".parse().expect("ip"));
    let limits = &app.state.limits;
    drop(
        limits
            .begin_sign_in(ip, "alice")
            .await
            .expect("first failure"),
    );
    limits
        .begin_sign_in(ip, "alice")
        .await
        .expect("second")
        .succeeded()
        .await;
    drop(
        limits
            .begin_sign_in(ip, "alice")
            .await
            .expect("reset by success"),
    );
    drop(
        limits
            .begin_sign_in(None, "alice")
            .await
            .expect("second failure"),
    );
    match limits.begin_sign_in(None, "ALICE").await {
        Err(error @ AppError::TooManyRequests { .. }) => {
            assert_eq!(error.status(), 429);
            assert_eq!(error.retry_after().expect("Retry-After"), "2");
            assert_eq!(
                error.public_message(),
                "Too many failed sign-ins. Wait 2 s before trying again."
            );
        }
        other => panic!("expected back-off, got {other:?}"),
    }
}

/// A POST to `/api/models` with these headers.
async fn post_models(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/models"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

#[tokio::test]
async fn cross_site_requests_are_refused_and_no_cors_is_sent() {
    let app = TestApp::spawn(&[]).await;
    let same_origin = format!("http://{}", app.addr);
    for headers in [
        vec![],
        vec![("origin", same_origin.as_str())],
        vec![
            ("origin", same_origin.as_str()),
            ("sec-fetch-site", "same-origin"),
        ],
    ] {
        let response = post_models(&app, &headers).await;
        assert_eq!(response.status(), 200, "{headers:?}");
        assert!(!response
            .headers()
            .contains_key("access-control-allow-origin"));
    }
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("origin", same_origin.as_str()),
            ("sec-fetch-site", "cross-site"),
        ],
    ] {
        let response = post_models(&app, &headers).await;
        assert_eq!(response.status(), 403, "{headers:?}");
        assert!(!response
            .headers()
            .contains_key("access-control-allow-origin"));
        assert_eq!(
            crate::support::error_message(&response.text().await.expect("body")),
            "Cross-site request refused."
        );
    }
    // A cross-site POST that would change data never reaches the handler.
    let delete = app
        .client
        .post(app.url("/api/conversations/delete"))
        .header("origin", "http://evil.example")
        .json(&json!({"id": "whatever"}))
        .send()
        .await
        .expect("request");
    assert_eq!(delete.status(), 403);
    // Reading a page or a download is not a state change.
    let export = app
        .client
        .get(app.url("/api/conversations/missing/export"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("request");
    assert_eq!(export.status(), 404);
}

#[tokio::test]
async fn an_allowed_origin_passes_and_gets_cors_headers() {
    let app = TestApp::spawn(&[(
        "SLUICE_ALLOWED_ORIGINS",
        "https://app.example.com/, http://localhost:5173",
    )])
    .await;
    let response = post_models(
        &app,
        &[
            ("origin", "https://app.example.com"),
            ("sec-fetch-site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/models"))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .expect("preflight");
    assert!(preflight.status().is_success());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let foreign = post_models(&app, &[("origin", "https://other.example.com")]).await;
    assert_eq!(foreign.status(), 403);
    assert!(!foreign
        .headers()
        .contains_key("access-control-allow-origin"));
}

#[test]
fn limits_come_from_the_file_and_env_overrides_them() {
    let defaults = Config::from_parts(None, None, &env_map(&[])).expect("config");
    assert_eq!(defaults.limits, LimitsConfig::default());
    assert_eq!(defaults.limits.messages_per_minute, 30);
    assert_eq!(defaults.limits.ip_requests_per_minute, 600);
    assert_eq!(defaults.limits.concurrent_streams, 3);
    assert_eq!(defaults.limits.sign_in_attempts, 5);
    assert!(defaults.server.allowed_origins.is_empty());

    let file = r#"
[server]
allowed_origins = ["https://Chat.Example.com/"]

[limits]
messages_per_minute = 10
ip_requests_per_minute = 0
concurrent_streams = 1
sign_in_attempts = 8
sign_up_attempts = 3
password_hashes = 2
password_hash_wait_secs = 0.5
"#;
    let config = Config::from_parts(
        None,
        Some(file),
        &env_map(&[
            ("SLUICE_MESSAGES_PER_MINUTE", "4"),
            ("SLUICE_CONCURRENT_STREAMS", " 2 "),
            ("SLUICE_PASSWORD_HASHES", "3"),
        ]),
    )
    .expect("config");
    assert_eq!(
        config.limits,
        LimitsConfig {
            messages_per_minute: 4,
            ip_requests_per_minute: 0,
            concurrent_streams: 2,
            sign_in_attempts: 8,
            sign_up_attempts: 3,
            password_hashes: 3,
            password_hash_wait: std::time::Duration::from_millis(500),
            ..LimitsConfig::default()
        }
    );
    assert_eq!(config.server.allowed_origins, ["https://chat.example.com"]);
}

#[test]
fn bad_limits_and_origins_stop_start_up_with_a_reason() {
    let error = Config::from_parts(None, None, &env_map(&[("SLUICE_SIGN_IN_ATTEMPTS", "many")]))
        .expect_err("refused");
    assert!(error.contains("SLUICE_SIGN_IN_ATTEMPTS"), "{error}");
    for (name, value, needle) in [
        (
            "SLUICE_PASSWORD_HASHES",
            "0",
            "SLUICE_PASSWORD_HASHES must be a whole number from 1 to 1024",
        ),
        ("SLUICE_PASSWORD_HASHES", "lots", "SLUICE_PASSWORD_HASHES"),
        (
            "SLUICE_PASSWORD_HASH_WAIT_SECS",
            "-1",
            "SLUICE_PASSWORD_HASH_WAIT_SECS must be a number of seconds from 0.01 to 300",
        ),
        (
            "SLUICE_PASSWORD_HASH_WAIT_SECS",
            "NaN",
            "SLUICE_PASSWORD_HASH_WAIT_SECS must be a number of seconds from 0.01 to 300",
        ),
        ("SLUICE_SIGN_UP_ATTEMPTS", "-3", "SLUICE_SIGN_UP_ATTEMPTS"),
        ("SLUICE_ADMIN_TOKEN", "short", "at least 16 characters"),
    ] {
        let error = Config::from_parts(None, None, &env_map(&[(name, value)])).expect_err(name);
        assert!(error.contains(needle), "{name}={value}: {error}");
    }
    for origin in [
        "example.com",
        "https://example.com/app",
        "ftp://example.com",
    ] {
        let error = Config::from_parts(None, None, &env_map(&[("SLUICE_ALLOWED_ORIGINS", origin)]))
            .expect_err("refused");
        assert!(error.contains(origin), "{error}");
    }
    let error = Config::from_parts(
        None,
        Some("[limits]\nmessages_per_hour = 3\n"),
        &env_map(&[]),
    )
    .expect_err("unknown key refused");
    assert!(error.contains("messages_per_hour"), "{error}");
}
