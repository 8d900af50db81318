//! The client address behind a reverse proxy: from a trusted peer (TestApp connects from
//! 127.0.0.1, trusted by default) the rightmost untrusted `X-Forwarded-For` entry is the
//! client, so clients are limited apart; from anyone else the header is ignored, so
//! spoofing it escapes nothing. Garbage where the proxy's entry should be counts as the peer.

use crate::support::TestApp;
use serde_json::json;

/// POSTs to `/api/models` with these `X-Forwarded-For` lines (each one header line);
/// returns the status.
async fn models_from(app: &TestApp, forwarded: &[&str]) -> u16 {
    let mut request = app.client.post(app.url("/api/models"));
    for line in forwarded {
        request = request.header("x-forwarded-for", *line);
    }
    request.send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_have_their_own_request_budget() {
    let app = TestApp::spawn(&[("SLUICE_IP_REQUESTS_PER_MINUTE", "3")]).await;
    for _ in 0..3 {
        assert_eq!(models_from(&app, &["203.0.113.1"]).await, 200);
    }
    assert_eq!(models_from(&app, &["203.0.113.1"]).await, 429);
    // Whatever the client writes to the left of its proxy's entry, it is the same client.
    assert_eq!(models_from(&app, &["6.6.6.6, 203.0.113.1"]).await, 429);
    assert_eq!(models_from(&app, &["6.6.6.6", " 203.0.113.1 "]).await, 429);
    assert_eq!(models_from(&app, &["203.0.113.1:5555"]).await, 429);
    // Another client behind the same proxy is not affected.
    assert_eq!(models_from(&app, &["203.0.113.2"]).await, 200);
    assert_eq!(models_from(&app, &["203.0.113.1, 203.0.113.2"]).await, 200);
    // IPv6 in every spelling, counted per /64.
    for spelling in [
        "2001:db8:1:2::1",
        "[2001:db8:1:2::2]",
        "[2001:db8:1:2::3]:443",
    ] {
        assert_eq!(models_from(&app, &[spelling]).await, 200, "{spelling}");
    }
    assert_eq!(models_from(&app, &["2001:db8:1:2::ffff"]).await, 429);
    // The proxy itself (no header) has its own budget.
    assert_eq!(models_from(&app, &[]).await, 200);
}

#[tokio::test]
async fn garbage_where_the_proxys_entry_belongs_counts_as_the_proxy() {
    let app = TestApp::spawn(&[("SLUICE_IP_REQUESTS_PER_MINUTE", "3")]).await;
    for (i, garbage) in [
        "203.0.113.1, unknown",
        "203.0.113.2,",
        "",
        "203.0.113.4, 999.1.1.1",
        "[2001:db8::1",
        "203.0.113.6 203.0.113.7",
    ]
    .iter()
    .enumerate()
    {
        let expected = if i < 3 { 200 } else { 429 };
        assert_eq!(
            models_from(&app, &[*garbage]).await,
            expected,
            "{garbage:?}"
        );
    }
    assert_eq!(
        models_from(&app, &[]).await,
        429,
        "same budget as the proxy"
    );
    assert_eq!(models_from(&app, &["203.0.113.9"]).await, 200);
}

#[tokio::test]
async fn without_a_trusted_peer_the_header_is_ignored() {
    let app = TestApp::spawn(&[
        ("SLUICE_IP_REQUESTS_PER_MINUTE", "3"),
        ("SLUICE_TRUSTED_PROXIES", "10.9.9.9"),
    ])
    .await;
    for i in 0..3 {
        let client = format!("203.0.113.{i}");
        assert_eq!(models_from(&app, &[client.as_str()]).await, 200);
    }
    assert_eq!(models_from(&app, &["198.51.100.1"]).await, 429);
    assert_eq!(models_from(&app, &["10.9.9.9"]).await, 429);
}

/// Signs in as `name` with a wrong password, from the client `forwarded`; returns the status.
async fn failed_sign_in(app: &TestApp, forwarded: &str, name: &str) -> u16 {
    app.client
        .post(app.url("/api/auth/sign_in"))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"name": name, "password": "wrong password"}))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn one_client_guessing_passwords_does_not_lock_out_the_others() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local"), ("SLUICE_SIGN_IN_ATTEMPTS", "2")]).await;
    assert_eq!(failed_sign_in(&app, "203.0.113.1", "alice").await, 401);
    assert_eq!(failed_sign_in(&app, "203.0.113.1", "bob").await, 401);
    assert_eq!(failed_sign_in(&app, "203.0.113.1", "carol").await, 429);
    assert_eq!(
        failed_sign_in(&app, "9.9.9.9, 203.0.113.1", "dave").await,
        429,
        "a prepended address does not help"
    );
    assert_eq!(failed_sign_in(&app, "203.0.113.2", "erin").await, 401);

    // Only 10.9.9.9 is a proxy: the header is ignored and every request is one client.
    let direct = TestApp::spawn(&[
        ("SLUICE_AUTH", "local"),
        ("SLUICE_SIGN_IN_ATTEMPTS", "2"),
        ("SLUICE_TRUSTED_PROXIES", "10.9.9.9"),
    ])
    .await;
    assert_eq!(failed_sign_in(&direct, "203.0.113.1", "alice").await, 401);
    assert_eq!(failed_sign_in(&direct, "203.0.113.2", "bob").await, 401);
    assert_eq!(failed_sign_in(&direct, "203.0.113.3", "carol").await, 429);
}
