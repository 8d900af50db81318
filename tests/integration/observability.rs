//! Observability (issue 26): `/metrics` is served only where configured (a bearer token on the
//! main port, or its own listener), its numbers move as answers, stops, upstream errors and
//! sign-ins happen, Prometheus's own `promtool` accepts the exposition and the README's alert
//! rules, and `/healthz` / `/readyz` answer probes (503 while shutting down or without a
//! database).
//!
//! The metrics recorder is one per process and the tests run in parallel, so each test
//! compares a scrape before with one after and asserts at least its own increments.

use crate::support::server_process::free_port;
use crate::support::{start_fake, EventReader, TempDir, TestApp};
use sluice::events::{ChatEvent, FinishReason};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The token the tests' apps require for `/metrics` on the main port.
const TOKEN: &str = "metrics-token-0123456789";

/// The settings serving `/metrics` on the main port behind [`TOKEN`].
const WITH_TOKEN: [(&str, &str); 1] = [("SLUICE_METRICS_TOKEN", TOKEN)];

/// Scrapes `/metrics` on the main port with the token; asserts a 200.
async fn scrape(app: &TestApp) -> String {
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("scrape");
    assert_eq!(response.status(), 200, "scrape with the token");
    response.text().await.expect("exposition")
}

/// The sum of the samples of `name` whose labels include every pair of `labels` (0 when
/// there is none).
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = match series.split_once('{') {
                Some((metric, rest)) => (metric, rest),
                None => (series, ""),
            };
            (metric == name
                && labels
                    .iter()
                    .all(|(key, value)| rest.contains(&format!("{key}=\"{value}\""))))
            .then(|| value.parse::<f64>().ok())?
        })
        .sum()
}

/// How much `name` with `labels` grew from `before` to `after`.
fn grew(before: &str, after: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    sample(after, name, labels) - sample(before, name, labels)
}

/// Every event of a temporary chat with `model`.
async fn chat(app: &TestApp, model: &str, prompt: &str) -> Vec<(u64, ChatEvent)> {
    EventReader::new(app.stream_chat(model, prompt).await)
        .collect()
        .await
}

#[tokio::test]
async fn a_completed_answer_counts_as_complete_and_in_its_models_histograms() {
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(&fake, "fake-echo", &WITH_TOKEN).await;
    let model = [("provider", "openai"), ("model", "openai/fake-echo")];
    let before = scrape(&app).await;
    let prompt = "one two three four five six seven eight nine ten ".repeat(8);
    let events = chat(&app, "openai/fake-echo", &prompt).await;
    assert!(
        matches!(events.last(), Some((_, ChatEvent::Done(d))) if d.finish_reason == FinishReason::Stop),
        "the answer completes: {events:?}"
    );
    let after = scrape(&app).await;
    let complete = [
        model[0],
        model[1],
        ("status", "complete"),
        ("error_kind", "none"),
    ];
    assert!(
        grew(&before, &after, "sluice_answers_total", &complete) >= 1.0,
        "{after}"
    );
    for histogram in [
        "sluice_answer_ttft_seconds_count",
        "sluice_answer_upstream_ttft_seconds_count",
        "sluice_answer_duration_seconds_count",
        "sluice_answer_tokens_per_second_count",
    ] {
        assert!(
            grew(&before, &after, histogram, &model) >= 1.0,
            "{histogram}: {after}"
        );
    }
    // Buckets are the table's, and a TTFT lands in one of them.
    assert!(
        sample(
            &after,
            "sluice_answer_ttft_seconds_bucket",
            &[("le", "+Inf")]
        ) >= 1.0
    );
    // The process metrics come along.
    assert!(
        sample(&after, "process_resident_memory_bytes", &[]) > 0.0,
        "{after}"
    );
    assert!(sample(&after, "process_open_fds", &[]) > 0.0, "{after}");
}

#[tokio::test]
async fn a_stopped_answer_counts_as_stopped_and_its_stop_as_the_users() {
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(&fake, "fake-slow", &WITH_TOKEN).await;
    let before = scrape(&app).await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-slow", "count").await);
    let turn_id = match reader.next_event().await {
        Some((_, ChatEvent::Started { turn_id, .. })) => turn_id.to_string(),
        other => panic!("expected started, got {other:?}"),
    };
    // The live-turn gauge sees it while it streams.
    let during = scrape(&app).await;
    assert!(sample(&during, "sluice_live_turns", &[]) >= 1.0, "{during}");
    assert!(app.stop(&turn_id).await, "the turn is live");
    let events = reader.collect().await;
    assert!(
        matches!(events.last(), Some((_, ChatEvent::Done(d))) if d.finish_reason == FinishReason::Stopped),
        "{events:?}"
    );
    let after = scrape(&app).await;
    let stopped = [("model", "openai/fake-slow"), ("status", "stopped")];
    assert!(
        grew(&before, &after, "sluice_answers_total", &stopped) >= 1.0,
        "{after}"
    );
    assert!(
        grew(&before, &after, "sluice_stops_total", &[("cause", "user")]) >= 1.0,
        "{after}"
    );
}

#[tokio::test]
async fn a_turn_whose_readers_left_counts_its_stop_as_grace_expiry() {
    let fake = start_fake().await;
    let env = [
        ("SLUICE_METRICS_TOKEN", TOKEN),
        ("SLUICE_TURN_GRACE_SECS", "0.3"),
    ];
    let app = TestApp::with_fake_and(&fake, "fake-slow", &env).await;
    let before = scrape(&app).await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-slow", "count").await);
    assert!(matches!(
        reader.next_event().await,
        Some((_, ChatEvent::Started { .. }))
    ));
    drop(reader);
    let mut after = scrape(&app).await;
    for _ in 0..50 {
        if grew(
            &before,
            &after,
            "sluice_stops_total",
            &[("cause", "grace_expiry")],
        ) >= 1.0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = scrape(&app).await;
    }
    let expired = [("cause", "grace_expiry")];
    assert!(
        grew(&before, &after, "sluice_stops_total", &expired) >= 1.0,
        "{after}"
    );
}

#[tokio::test]
async fn an_upstream_401_counts_as_an_error_of_that_provider_with_its_status() {
    let fake = start_fake().await;
    let wrong_key = [
        ("SLUICE_METRICS_TOKEN", TOKEN),
        ("OPENAI_API_KEY", "sk-not-the-key-the-fake-wants"),
    ];
    let app = TestApp::with_fake_and(&fake, "fake-echo", &wrong_key).await;
    let before = scrape(&app).await;
    let events = chat(&app, "openai/fake-echo", "hello").await;
    assert!(
        matches!(events.last(), Some((_, ChatEvent::Error { .. }))),
        "{events:?}"
    );
    let after = scrape(&app).await;
    let refused = [("provider", "openai"), ("http_status", "401")];
    assert!(
        grew(&before, &after, "sluice_upstream_errors_total", &refused) >= 1.0,
        "{after}"
    );
    let error = [
        ("model", "openai/fake-echo"),
        ("status", "error"),
        ("error_kind", "auth"),
    ];
    assert!(
        grew(&before, &after, "sluice_answers_total", &error) >= 1.0,
        "{after}"
    );
}

#[tokio::test]
async fn sign_ins_count_by_outcome() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local"), ("SLUICE_METRICS_TOKEN", TOKEN)]).await;
    let before = scrape(&app).await;
    assert_eq!(app.sign_in("nobody", "not a password").await.status(), 401);
    let after = scrape(&app).await;
    let wrong = [("outcome", "wrong_credentials")];
    assert!(
        grew(&before, &after, "sluice_sign_ins_total", &wrong) >= 1.0,
        "{after}"
    );
}

#[tokio::test]
async fn rate_limit_refusals_count_by_limit() {
    let app = TestApp::fast_demo_and(&[
        ("SLUICE_METRICS_TOKEN", TOKEN),
        ("SLUICE_CONCURRENT_STREAMS", "1"),
        ("SLUICE_DEMO_TOKENS_PER_SECOND", "5"),
    ])
    .await;
    let before = scrape(&app).await;
    let model = app.state.catalog.default_model().expect("a model");
    let long = "a long answer ".repeat(400);
    let first = app.stream_chat(&model, &long).await;
    assert_eq!(first.status(), 200);
    let second = app.stream_chat(&model, "again").await;
    assert_eq!(second.status(), 429, "one stream at a time");
    drop(first);
    let after = scrape(&app).await;
    let streams = [("limit", "streams")];
    assert!(
        grew(
            &before,
            &after,
            "sluice_rate_limit_refusals_total",
            &streams
        ) >= 1.0,
        "{after}"
    );
}

#[tokio::test]
async fn metrics_on_the_main_port_need_the_bearer_token() {
    let app = TestApp::fast_demo_and(&WITH_TOKEN).await;
    let bare = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("get");
    assert_eq!(bare.status(), 401, "no token");
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-0123456780")
        .send()
        .await
        .expect("get");
    assert_eq!(wrong.status(), 401, "a wrong token");
    let text = scrape(&app).await;
    assert!(
        text.contains("# TYPE process_cpu_seconds_total counter"),
        "{text}"
    );
}

#[tokio::test]
async fn without_metrics_settings_there_is_no_metrics_endpoint() {
    let app = TestApp::fast_demo().await;
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_metrics_listener_serves_the_exposition_and_the_main_port_does_not() {
    let addr = format!("127.0.0.1:{}", free_port());
    let app = TestApp::fast_demo_and(&[("SLUICE_METRICS_ADDR", addr.as_str())]).await;
    // `run` binds the listener as the app starts serving, just after `spawn` returned.
    let mut attempt = 0;
    let response = loop {
        match app
            .client
            .get(format!("http://{addr}/metrics"))
            .send()
            .await
        {
            Ok(response) => break response,
            Err(error) if attempt < 50 => {
                attempt += 1;
                assert!(error.is_connect(), "{error}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(error) => panic!("the metrics listener never answered: {error}"),
        }
    };
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    assert!(text.contains("process_open_fds "), "{text}");
    let main = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("get");
    assert_eq!(main.status(), 404, "not on the main port without a token");
}

/// `promtool` when installed; `None` (after saying so) outside CI, a panic under `CI=true`.
fn promtool() -> Option<&'static str> {
    let found = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        return Some("promtool");
    }
    let ci = std::env::var("CI").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true") || v == "1");
    assert!(
        !ci,
        "promtool is missing (`make test` installs Debian's prometheus package)"
    );
    eprintln!("SKIP: promtool is not installed (apt-get install prometheus)");
    None
}

#[tokio::test]
async fn promtool_accepts_the_exposition() {
    let Some(promtool) = promtool() else {
        return;
    };
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(&fake, "fake-echo", &WITH_TOKEN).await;
    chat(&app, "openai/fake-echo", "a few words to answer").await;
    let text = scrape(&app).await;
    let dir = TempDir::new("promtool");
    let file = dir.path.join("metrics.txt");
    std::fs::write(&file, &text).expect("write");
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{promtool} check metrics < '{}'", file.display()))
        .output()
        .expect("run promtool");
    assert!(
        output.status.success(),
        "promtool check metrics: {}{}\n{text}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn promtool_accepts_the_alert_rules() {
    let Some(promtool) = promtool() else {
        return;
    };
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/prometheus/alerts.yml");
    let output = Command::new(promtool)
        .args(["check", "rules"])
        .arg(&rules)
        .output()
        .expect("run promtool");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("SUCCESS: 3 rules found"), "{said}");
}

#[tokio::test]
async fn healthz_answers_and_readyz_is_ready_for_any_host_name() {
    let app = TestApp::spawn(&[("SLUICE_AUTH", "local")]).await;
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("get");
    assert_eq!(health.status(), 200);
    // A probe addresses the pod by IP or an internal name the host check does not know.
    let ready = app
        .client
        .get(app.url("/readyz"))
        .header("host", "10.1.2.3:3000")
        .send()
        .await
        .expect("get");
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.expect("json")["status"],
        "ready"
    );
}

#[tokio::test]
async fn readyz_is_503_while_shutting_down() {
    let app = TestApp::fast_demo().await;
    app.state.turns.shut_down(Duration::ZERO).await;
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("get");
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["reason"], "shutting down", "{body}");
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("get");
    assert_eq!(health.status(), 200, "still alive while draining");
}

#[tokio::test]
async fn readyz_is_503_when_the_database_does_not_answer() {
    let app = TestApp::fast_demo().await;
    app.state.store.close().await;
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("get");
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["reason"], "database unreachable", "{body}");
}

/// A stand-in OTLP/HTTP collector on 127.0.0.1 (its own thread, since the exporter blocks):
/// answers 200 to every request and keeps each body it received.
struct Collector {
    /// Its base URL.
    url: String,
    /// The bodies received, in order.
    bodies: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Collector {
    /// Starts it.
    fn start() -> Collector {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind collector");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&bodies);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_ok() {
                    kept.lock()
                        .expect("lock")
                        .push(String::from_utf8_lossy(&body).into_owned());
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                );
            }
        });
        Collector { url, bodies }
    }
}

/// Every span object (one with `name` and `attributes`) in an OTLP JSON body.
fn spans_in(value: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("name")
                && map.contains_key("attributes")
                && map.contains_key("spanId")
            {
                out.push(value.clone());
            }
            map.values().for_each(|v| spans_in(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| spans_in(v, out)),
        _ => {}
    }
}

/// The string value of a span's attribute `key`.
fn attribute<'a>(span: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    span["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)?["value"]["stringValue"]
        .as_str()
}

#[tokio::test]
async fn turns_are_exported_as_otlp_spans_with_their_ids_and_without_text() {
    use tracing_subscriber::layer::SubscriberExt;
    let collector = Collector::start();
    let (layer, provider) =
        sluice::server::telemetry::otlp_layer(&collector.url).expect("exporter");
    // This test's thread runs the app too (a current-thread runtime), so the subscriber sees
    // every span of its requests and turns.
    let subscriber = tracing_subscriber::registry().with(layer);
    let guard = tracing::subscriber::set_default(subscriber);
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let secret = "xyzzy-plugh-the-users-words";
    let events = chat(&app, "openai/fake-echo", secret).await;
    let turn_id = match events.first() {
        Some((_, ChatEvent::Started { turn_id, .. })) => turn_id.to_string(),
        other => panic!("expected started, got {other:?}"),
    };
    drop(guard);
    let flushed = tokio::task::spawn_blocking(move || provider.shutdown())
        .await
        .expect("join");
    assert!(flushed.is_ok(), "{flushed:?}");
    let bodies = collector.bodies.lock().expect("lock").clone();
    assert!(!bodies.is_empty(), "the collector received nothing");
    assert!(
        bodies.iter().all(|body| !body.contains(secret)),
        "message text was exported"
    );
    let mut spans = Vec::new();
    for body in &bodies {
        spans_in(&serde_json::from_str(body).expect("OTLP JSON"), &mut spans);
    }
    let turn = spans
        .iter()
        .find(|s| s["name"] == "turn" && attribute(s, "turn_id") == Some(turn_id.as_str()))
        .unwrap_or_else(|| panic!("no turn span for {turn_id} in {bodies:?}"));
    assert_eq!(attribute(turn, "model"), Some("openai/fake-echo"));
    assert!(
        spans
            .iter()
            .any(|s| s["name"] == "upstream" && s["parentSpanId"] == turn["spanId"]),
        "the upstream call is the turn's child: {bodies:?}"
    );
    assert!(
        spans
            .iter()
            .any(|s| s["name"] == "request" && attribute(s, "route") == Some("/api/chat/stream")),
        "a request span with its route template: {bodies:?}"
    );
}

#[tokio::test]
async fn readyz_is_503_when_the_clusters_redis_does_not_answer() {
    let nowhere = format!("redis://127.0.0.1:{}", free_port());
    let app = TestApp::fast_demo_and(&[("SLUICE_REDIS_URL", nowhere.as_str())]).await;
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("get");
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["reason"], "redis unreachable", "{body}");
}

#[tokio::test]
async fn redis_commands_count_by_result() {
    let Some(redis) = crate::support::test_redis::test_redis() else {
        return;
    };
    let prefix = crate::support::test_redis::fresh_prefix();
    let app = TestApp::fast_demo_and(&[
        ("SLUICE_REDIS_URL", redis.as_str()),
        ("SLUICE_REDIS_KEY_PREFIX", prefix.as_str()),
        WITH_TOKEN[0],
    ])
    .await;
    let before = scrape(&app).await;
    let events = chat(&app, "demo/sluice-demo", "hello through the cluster").await;
    assert!(
        matches!(events.last(), Some((_, ChatEvent::Done(_)))),
        "the answer completes: {events:?}"
    );
    let after = scrape(&app).await;
    let ok = grew(
        &before,
        &after,
        "sluice_redis_operations_total",
        &[("result", "ok")],
    );
    assert!(ok >= 1.0, "Redis commands counted as ok: {ok}");

    // A Redis that does not answer: its commands count as errors or timeouts.
    let nowhere = format!("redis://127.0.0.1:{}", free_port());
    let away =
        TestApp::fast_demo_and(&[("SLUICE_REDIS_URL", nowhere.as_str()), WITH_TOKEN[0]]).await;
    let before = scrape(&away).await;
    let _ = away.stream_chat("demo/sluice-demo", "hello").await;
    let after = scrape(&away).await;
    let failed = grew(
        &before,
        &after,
        "sluice_redis_operations_total",
        &[("result", "error")],
    ) + grew(
        &before,
        &after,
        "sluice_redis_operations_total",
        &[("result", "timeout")],
    );
    assert!(failed >= 1.0, "unanswered Redis commands counted: {failed}");
}
