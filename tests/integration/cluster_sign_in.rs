//! The sign-in and sign-up back-offs shared by replicas through Redis (`[cluster] redis_url`,
//! issue 23): two `TestApp`s with local accounts are two replicas sharing one Redis
//! (`SLUICE_TEST_REDIS_URL`, see `cluster_limits`), each with its own database (each has an
//! "alice" with the same password, as one shared database would). Clients are told apart by
//! `X-Forwarded-For` (loopback is a trusted proxy by default). Redis away: sign-in keeps
//! working on each replica's own counts, while new answers are refused with 503.

use crate::cluster_limits::assert_too_many;
use crate::support::test_redis::{fresh_prefix, test_redis};
use crate::support::{error_message, TestApp};
use serde_json::json;
use sluice::server::limits::SHARED_LIMITS_AWAY;
use std::time::Duration;

/// Alice's password on both replicas.
const PASSWORD: &str = "correct horse battery";

/// Two replicas with local accounts sharing `redis` under `prefix`, plus `extra` settings.
async fn two_replicas(redis: &str, prefix: &str, extra: &[(&str, &str)]) -> (TestApp, TestApp) {
    let mut env = vec![
        ("SLUICE_AUTH", "local"),
        ("SLUICE_REDIS_URL", redis),
        ("SLUICE_REDIS_KEY_PREFIX", prefix),
    ];
    env.extend_from_slice(extra);
    (TestApp::spawn(&env).await, TestApp::spawn(&env).await)
}

/// Signs in on `app` as `name` with `password`, for the client `client`.
async fn sign_in_from(
    app: &TestApp,
    client: &str,
    name: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/sign_in"))
        .header("x-forwarded-for", client)
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .expect("request")
}

/// Signs up on `app` as `name`, for the client `client` (with `app`'s set-up token).
async fn sign_up_from(app: &TestApp, client: &str, name: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/sign_up"))
        .header("x-forwarded-for", client)
        .json(&json!({"name": name, "password": PASSWORD, "setup_token": app.setup_token()}))
        .send()
        .await
        .expect("request")
}

/// The keys under `prefix` in `redis`.
async fn keys_under(redis: &str, prefix: &str) -> Vec<String> {
    let client = redis::Client::open(redis).expect("client");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut connection)
        .await
        .expect("KEYS")
}

#[tokio::test]
async fn failed_sign_ins_on_one_replica_back_off_sign_in_on_the_other() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let (a, b) = two_replicas(&redis, &prefix, &[("SLUICE_SIGN_IN_ATTEMPTS", "2")]).await;
    a.signed_up("alice", PASSWORD).await;
    b.signed_up("alice", PASSWORD).await;

    // Two free failures on A; the account is then locked on B too, from any address.
    for client in ["203.0.113.1", "203.0.113.2"] {
        let wrong = sign_in_from(&a, client, "alice", "wrong password!").await;
        assert_eq!(wrong.status(), 401, "a free failure from {client}");
    }
    let refused = sign_in_from(&b, "203.0.113.3", "Alice", "wrong password!").await;
    assert_too_many(refused, "Too many failed sign-ins. Wait 2 s", 1..=2).await;
    let right_too_early = sign_in_from(&b, "203.0.113.3", "alice", PASSWORD).await;
    assert_too_many(right_too_early, "Too many failed sign-ins.", 1..=2).await;

    // Waited out: the right password on B clears the account's failures on every replica.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let right = sign_in_from(&b, "203.0.113.4", "alice", PASSWORD).await;
    assert_eq!(right.status(), 200);
    for (app, client) in [(&a, "203.0.113.5"), (&b, "203.0.113.6")] {
        let wrong = sign_in_from(app, client, "alice", "wrong password!").await;
        assert_eq!(wrong.status(), 401, "free again after the success");
    }
    let refused = sign_in_from(&a, "203.0.113.7", "alice", "wrong password!").await;
    assert_too_many(refused, "Too many failed sign-ins.", 1..=2).await;

    // One guessing address is slowed on every replica, whichever accounts it tries.
    for (app, name) in [(&a, "bob"), (&b, "carol")] {
        let wrong = sign_in_from(app, "198.51.100.9", name, "guess").await;
        assert_eq!(wrong.status(), 401);
    }
    let refused = sign_in_from(&a, "198.51.100.9", "dave", "guess").await;
    assert_too_many(refused, "Too many failed sign-ins.", 1..=2).await;

    // Names never reach Redis: accounts are counted under a hash.
    let keys = keys_under(&redis, &prefix).await;
    let account_key = format!("{prefix}:throttle:sign_in:account:");
    let hashed: Vec<_> = keys
        .iter()
        .filter(|k| k.starts_with(&account_key))
        .collect();
    assert!(!hashed.is_empty(), "{keys:?}");
    assert!(
        hashed.iter().all(|k| {
            let hash = &k[account_key.len()..];
            hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit())
        }),
        "{keys:?}"
    );
    for name in ["alice", "bob", "carol", "dave"] {
        assert!(keys.iter().all(|k| !k.contains(name)), "{name} in {keys:?}");
    }
    assert!(keys.contains(&format!("{prefix}:throttle:sign_in:ip:198.51.100.9")));
}

#[tokio::test]
async fn parallel_guesses_on_two_replicas_get_only_the_free_attempts() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let (a, b) = two_replicas(&redis, &prefix, &[("SLUICE_SIGN_IN_ATTEMPTS", "3")]).await;
    let guesses = (0..8).map(|n| {
        let app = if n % 2 == 0 { &a } else { &b };
        let client = format!("203.0.113.{}", 40 + n);
        async move { sign_in_from(app, &client, "nobody", "guess").await.status() }
    });
    let mut statuses: Vec<u16> = futures::future::join_all(guesses)
        .await
        .into_iter()
        .map(|status| status.as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [401, 401, 401, 429, 429, 429, 429, 429]);
}

#[tokio::test]
async fn sign_ups_per_address_count_across_replicas() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let (a, b) = two_replicas(
        &redis,
        &prefix,
        &[("SLUICE_SIGN_UP_ATTEMPTS", "2"), ("SLUICE_SIGNUP", "open")],
    )
    .await;
    assert_eq!(sign_up_from(&a, "203.0.113.20", "ann").await.status(), 200);
    assert_eq!(sign_up_from(&b, "203.0.113.20", "ben").await.status(), 200);
    let refused = sign_up_from(&a, "203.0.113.20", "cat").await;
    assert_too_many(
        refused,
        "Too many sign-ups from your network address. Wait 2 s",
        1..=2,
    )
    .await;
    assert_eq!(
        sign_up_from(&b, "203.0.113.21", "cat").await.status(),
        200,
        "another address is not slowed"
    );
}

#[tokio::test]
async fn wrong_current_passwords_count_across_replicas() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let (a, b) = two_replicas(&redis, &prefix, &[("SLUICE_SIGN_IN_ATTEMPTS", "2")]).await;
    // Alice is the first account, the same user id, on both replicas.
    let on_a = a.signed_up("alice", PASSWORD).await;
    let on_b = b.signed_up("alice", PASSWORD).await;
    let change = |app: &'static str, current: &'static str| {
        let (app, token) = if app == "a" { (&a, &on_a) } else { (&b, &on_b) };
        app.api_as(
            Some(token),
            "/api/auth/change_password",
            json!({"current": current, "new": "a brand new password"}),
        )
    };
    assert_eq!(change("a", "wrong password!").await.status(), 403);
    assert_eq!(change("b", "wrong password!").await.status(), 403);
    assert_too_many(
        change("a", PASSWORD).await,
        "Too many wrong current passwords. Wait 2 s",
        1..=2,
    )
    .await;
}

#[tokio::test]
async fn with_redis_away_sign_in_counts_in_the_replica_and_new_answers_are_503() {
    // A loopback port nothing listens on: connections are refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("redis://127.0.0.1:{port}");
    let app = TestApp::spawn(&[
        ("SLUICE_AUTH", "local"),
        ("SLUICE_REDIS_URL", url.as_str()),
        ("SLUICE_SIGN_IN_ATTEMPTS", "2"),
        // Only the stream slots ask Redis before an answer.
        ("SLUICE_MESSAGES_PER_MINUTE", "0"),
    ])
    .await;
    // Sign-up and sign-in work, counted in this process for the outage.
    app.signed_up("alice", PASSWORD).await;
    let token = app.signed_in("alice", PASSWORD).await;
    for _ in 0..2 {
        let wrong = sign_in_from(&app, "203.0.113.30", "alice", "wrong password!").await;
        assert_eq!(wrong.status(), 401);
    }
    let refused = sign_in_from(&app, "203.0.113.31", "alice", "wrong password!").await;
    assert_too_many(refused, "Too many failed sign-ins.", 1..=2).await;

    // A new answer needs a stream slot, which only Redis can give: 503 and a sentence.
    let answer = app
        .api_as(
            Some(&token),
            "/api/chat/stream",
            json!({"action": {"type": "send", "content": "hello"}}),
        )
        .await;
    assert_eq!(answer.status(), 503);
    assert_eq!(
        error_message(&answer.text().await.expect("body")),
        SHARED_LIMITS_AWAY
    );
}
