//! The trusted header's odd shapes in `auth = trusted_header` mode: sent twice, empty,
//! padded, in another case, not UTF-8, with invisible characters. Each is either refused with
//! a sentence (400) or handled one fixed way, and a refused request creates no account.

use crate::support::TestApp;
use reqwest::header::HeaderValue;
use serde_json::json;

/// An app in `trusted_header` mode whose proxy (127.0.0.1) names the user in `X-Auth-User`
/// (configured in the case given).
async fn app(header: &str) -> TestApp {
    TestApp::spawn(&[
        ("SLUICE_AUTH", "trusted_header"),
        ("SLUICE_TRUSTED_HEADER", header),
    ])
    .await
}

/// The auth status with these `x-auth-user` values (raw bytes, one header line each):
/// (status, the named user or the body).
async fn status_with(app: &TestApp, values: &[&[u8]]) -> (u16, String) {
    let mut request = app
        .client
        .post(app.url("/api/auth/status"))
        .json(&json!({}));
    for value in values {
        request = request.header(
            "x-auth-user",
            HeaderValue::from_bytes(value).expect("header value"),
        );
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    let named = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["user"]["name"].as_str().map(str::to_string));
    (status, named.unwrap_or(body))
}

/// Lists conversations with these `x-auth-user` values; returns the status.
async fn list_with(app: &TestApp, values: &[&str]) -> u16 {
    let mut request = app
        .client
        .post(app.url("/api/conversations/list"))
        .json(&json!({}));
    for value in values {
        request = request.header("x-auth-user", *value);
    }
    request.send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn a_header_sent_twice_is_refused_not_guessed() {
    let app = app("X-Auth-User").await;
    let (status, body) = status_with(&app, &[b"mallory", b"carol"]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("more than once"), "{body}");
    assert_eq!(list_with(&app, &["carol", "carol"]).await, 400);
    assert!(app.state.store.no_accounts_yet().await.expect("store"));
}

#[tokio::test]
async fn empty_padded_and_cased_values_have_one_meaning() {
    let app = app("x-AUTH-user").await;
    for empty in [&b""[..], b"   "] {
        let (status, body) = status_with(&app, &[empty]).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"user\":null"), "nobody is named: {body}");
        assert_eq!(list_with(&app, &[""]).await, 401);
    }
    assert!(app.state.store.no_accounts_yet().await.expect("store"));
    let (status, name) = status_with(&app, &[b"  carol "]).await;
    assert_eq!((status, name.as_str()), (200, "carol"));
    let (status, name) = status_with(&app, &[b"carol"]).await;
    assert_eq!((status, name.as_str()), (200, "carol"), "the same account");
    let (status, name) = status_with(&app, &["Jos\u{e9}".as_bytes()]).await;
    assert_eq!(
        (status, name.as_str()),
        (200, "Jos\u{e9}"),
        "UTF-8 names work"
    );
    let too_long = "x".repeat(65);
    let (status, body) = status_with(&app, &[too_long.as_bytes()]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("too long"), "{body}");
}

#[tokio::test]
async fn invisible_characters_and_bad_bytes_are_refused() {
    let app = app("X-Auth-User").await;
    for value in [
        "car\u{200B}ol",
        "\u{FEFF}carol",
        "carol\u{200D}",
        "\u{202E}lorac",
        "car\u{2066}ol\u{2069}",
        "car\u{00AD}ol",
    ] {
        let (status, body) = status_with(&app, &[value.as_bytes()]).await;
        assert_eq!(status, 400, "{value:?}: {body}");
        assert!(body.contains("invisible characters"), "{body}");
    }
    let (status, body) = status_with(&app, &[b"car\xffol"]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("not UTF-8"), "{body}");
    assert!(app.state.store.no_accounts_yet().await.expect("store"));
}

#[tokio::test]
async fn from_an_untrusted_peer_no_shape_of_the_header_matters() {
    let app = TestApp::spawn(&[
        ("SLUICE_AUTH", "trusted_header"),
        ("SLUICE_TRUSTED_HEADER", "X-Auth-User"),
        ("SLUICE_TRUSTED_PROXIES", "10.9.9.9"),
    ])
    .await;
    let shapes: [Vec<&[u8]>; 3] = [
        vec![b"carol", b"mallory"],
        vec!["car\u{200B}ol".as_bytes()],
        vec![b"car\xffol"],
    ];
    for values in shapes {
        let (status, body) = status_with(&app, &values).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"user\":null"), "{body}");
    }
    assert!(app.state.store.no_accounts_yet().await.expect("store"));
}
