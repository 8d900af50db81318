//! Per-minute limits shared by replicas through Redis (`[cluster] redis_url`, issue 23): two
//! `TestApp`s are two replicas sharing one Redis (`SLUICE_TEST_REDIS_URL`, started by
//! `tools/with-redis.sh` in `make test-rust`); N per minute admits N across both, and the next
//! one on either is a 429 with `Retry-After`. Each test uses its own key prefix, so tests never
//! count each other's requests. Without `SLUICE_TEST_REDIS_URL` the shared tests are skipped
//! with a message (and fail under `CI=true`); the Redis-away test needs no Redis.

use crate::support::test_redis::{fresh_prefix, test_redis};
use crate::support::TestApp;
use serde_json::json;
use sluice::server::limits::SHARED_LIMITS_AWAY;

/// Two replicas sharing `redis` under `prefix`, each with `extra` settings.
async fn two_replicas(redis: &str, prefix: &str, extra: &[(&str, &str)]) -> (TestApp, TestApp) {
    let mut env = vec![
        ("SLUICE_REDIS_URL", redis),
        ("SLUICE_REDIS_KEY_PREFIX", prefix),
    ];
    env.extend_from_slice(extra);
    (
        TestApp::fast_demo_and(&env).await,
        TestApp::fast_demo_and(&env).await,
    )
}

/// Asserts a 429 whose `Retry-After` lies in `range` and whose text holds `words`.
pub(crate) async fn assert_too_many(
    response: reqwest::Response,
    words: &str,
    range: std::ops::RangeInclusive<u64>,
) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .expect("Retry-After header")
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("whole seconds");
    assert!(range.contains(&retry_after), "Retry-After {retry_after}");
    let body = response.text().await.expect("body");
    assert!(body.contains(words), "{body:?} lacks {words:?}");
}

/// POSTs to `/api/models` (a cheap `/api/` request) on `app`.
async fn post_models(app: &TestApp) -> reqwest::Response {
    app.client
        .post(app.url("/api/models"))
        .send()
        .await
        .expect("request")
}

/// Starts a temporary answer on `app` and returns the response.
async fn send(app: &TestApp, content: &str) -> reqwest::Response {
    app.stream_chat("demo/sluice-demo", content).await
}

#[tokio::test]
async fn messages_per_minute_hold_across_two_replicas() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let (a, b) = two_replicas(&redis, &prefix, &[("SLUICE_MESSAGES_PER_MINUTE", "3")]).await;
    for (n, app) in [&a, &b, &a].into_iter().enumerate() {
        let response = send(app, &format!("message {n}")).await;
        assert_eq!(response.status(), 200, "message {n} is within the limit");
        let _ = response.text().await;
    }
    // Three per minute: one token every 20 s, whichever replica is asked.
    assert_too_many(
        send(&b, "fourth").await,
        "sending messages too quickly",
        15..=20,
    )
    .await;
    assert_too_many(
        send(&a, "fifth").await,
        "sending messages too quickly",
        15..=20,
    )
    .await;

    // The bucket is one Redis key that expires when idle.
    let client = redis::Client::open(redis.as_str()).expect("client");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let key = format!("{prefix}:limit:messages:{}", sluice::store::UserId::LOCAL.0);
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut connection)
        .await
        .expect("PTTL");
    assert!((1..=60_000).contains(&ttl), "{key} expires: {ttl} ms");
}

#[tokio::test]
async fn api_requests_per_ip_hold_across_two_replicas() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let (a, b) = two_replicas(&redis, &prefix, &[("SLUICE_IP_REQUESTS_PER_MINUTE", "4")]).await;
    for (n, app) in [&a, &b, &b, &a].into_iter().enumerate() {
        let response = post_models(app).await;
        assert_eq!(response.status(), 200, "request {n} is within the limit");
    }
    for app in [&a, &b] {
        let refused = post_models(app).await;
        assert_too_many(
            refused,
            "Too many requests from your network address",
            1..=15,
        )
        .await;
    }
}

#[tokio::test]
async fn with_redis_away_requests_pass_and_new_answers_are_refused_with_503() {
    // A loopback port nothing listens on: connections are refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("redis://127.0.0.1:{port}");
    let app = TestApp::fast_demo_and(&[
        ("SLUICE_REDIS_URL", url.as_str()),
        ("SLUICE_IP_REQUESTS_PER_MINUTE", "1"),
        ("SLUICE_MESSAGES_PER_MINUTE", "100"),
    ])
    .await;
    // Fail open: far beyond the per-IP limit, and none waits long.
    let started = std::time::Instant::now();
    for n in 0..3 {
        let response = post_models(&app).await;
        assert_eq!(
            response.status(),
            200,
            "request {n} passes while Redis is away"
        );
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "no hang: {:?}",
        started.elapsed()
    );
    // Fail closed for what costs money: a new answer is refused with a sentence.
    let refused = app
        .stored_turn(None, json!({"type": "send", "content": "hello"}))
        .await;
    assert_eq!(refused.status(), 503);
    let body = refused.text().await.expect("body");
    assert_eq!(crate::support::error_message(&body), SHARED_LIMITS_AWAY);
    assert!(app.conversation_list().await.is_empty(), "nothing stored");
}

#[tokio::test]
async fn the_shared_bucket_refills_evenly_as_the_in_process_one_does() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    // Thirty per minute: a burst of thirty, then one more token every two seconds.
    let (a, b) = two_replicas(&redis, &prefix, &[("SLUICE_IP_REQUESTS_PER_MINUTE", "30")]).await;
    for n in 0..30 {
        let app = if n % 2 == 0 { &a } else { &b };
        assert_eq!(post_models(app).await.status(), 200, "request {n}");
    }
    let refused = post_models(&a).await;
    assert_too_many(
        refused,
        "Too many requests from your network address",
        1..=2,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(post_models(&b).await.status(), 200, "a token came back");
}
