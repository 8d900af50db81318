//! Clients that hold connections: half a header, an idle keep-alive connection, more
//! connections than the cap, more readers of one turn than allowed. Each is closed or refused
//! with a sentence in bounded time, while a streaming answer that is slower than every
//! timeout still runs to its end.

use super::raw_http::{closed_within, connect, exchange, get_request, read_response};
use crate::support::chat_script::{content_chunk, stream_then_stop};
use crate::support::{start_fake, EventReader, TestApp};
use serde_json::json;
use sluice::events::ChatEvent;
use sluice_fake_upstream::{Script, ScriptStep};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// A GET answered at once with a short 404 sentence (no page rendering, no body to read).
const QUICK_PATH: &str = "/api/nope";

/// Short header and idle timeouts, distinct so a test can tell which one closed a connection.
const SHORT_TIMEOUTS: [(&str, &str); 2] = [
    ("SLUICE_HEADER_TIMEOUT_SECS", "0.3"),
    ("SLUICE_IDLE_TIMEOUT_SECS", "0.8"),
];

#[tokio::test]
async fn a_client_that_sends_half_a_header_is_disconnected_after_the_header_timeout() {
    let app = TestApp::spawn(&SHORT_TIMEOUTS).await;
    // Half a header, then nothing.
    let mut half = connect(app.addr).await;
    half.write_all(b"GET / HTTP/1.1\r\nHost: example\r\nX-Slow: ")
        .await
        .expect("send");
    let closed = closed_within(&mut half, Duration::from_secs(3)).await;
    assert!(
        closed.is_some_and(|after| after < Duration::from_millis(1500)),
        "half a header: closed after {closed:?}"
    );
    // Nothing at all.
    let mut silent = connect(app.addr).await;
    let closed = closed_within(&mut silent, Duration::from_secs(3)).await;
    assert!(
        closed.is_some_and(
            |after| after >= Duration::from_millis(250) && after < Duration::from_millis(1500)
        ),
        "no header: closed after {closed:?}"
    );
    // One byte every 50 ms does not keep the header's clock from running.
    let mut drip = connect(app.addr).await;
    let started = Instant::now();
    let request =
        b"GET / HTTP/1.1\r\nHost: example\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for byte in request.iter() {
        if drip.write_all(&[*byte]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let closed = closed_within(&mut drip, Duration::from_secs(3)).await;
    assert!(closed.is_some(), "a dripped header keeps its connection");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the dripping client was cut only after {:?}",
        started.elapsed()
    );
    // The server still answers others.
    let answer = exchange(app.addr, &get_request(app.addr, QUICK_PATH)).await;
    assert_eq!(answer.status, 404, "{answer:?}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let app = TestApp::spawn(&SHORT_TIMEOUTS).await;
    let request = format!("GET {QUICK_PATH} HTTP/1.1\r\nHost: {}\r\n\r\n", app.addr);
    let mut stream = connect(app.addr).await;
    stream.write_all(request.as_bytes()).await.expect("send");
    assert_eq!(read_response(&mut stream).await.status, 404);
    // Idle past the header timeout but within the idle timeout: still open for a request.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stream.write_all(request.as_bytes()).await.expect("send");
    assert_eq!(read_response(&mut stream).await.status, 404);
    // Then idle for good: closed once the idle timeout has passed, not before.
    let closed = closed_within(&mut stream, Duration::from_secs(3)).await;
    assert!(
        closed.is_some_and(
            |after| after >= Duration::from_millis(700) && after < Duration::from_millis(2500)
        ),
        "idle connection closed after {closed:?}"
    );
}

#[tokio::test]
async fn past_the_connection_cap_a_client_gets_a_503_sentence_and_the_server_recovers() {
    let app = TestApp::spawn(&[
        ("SLUICE_MAX_CONNECTIONS", "2"),
        ("SLUICE_HEADER_TIMEOUT_SECS", "30"),
    ])
    .await;
    let first = connect(app.addr).await;
    let _second = connect(app.addr).await;
    // Let the server accept both before the third arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = tokio::time::timeout(
        Duration::from_secs(5),
        exchange(app.addr, &get_request(app.addr, QUICK_PATH)),
    )
    .await
    .expect("the third connection is answered, not left hanging");
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(refused.header("connection").as_deref(), Some("close"));
    assert!(refused.header("retry-after").is_some(), "{refused:?}");
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(refused.header(name).as_deref(), Some(value), "{name}");
    }
    assert!(
        refused.text().contains("too many connections"),
        "{}",
        refused.text()
    );
    // Once one closes, the server answers again.
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let answer = exchange(app.addr, &get_request(app.addr, QUICK_PATH)).await;
        if answer.status == 404 {
            break;
        }
        assert_eq!(answer.status, 503, "{answer:?}");
        assert!(
            Instant::now() < deadline,
            "still refused 3 s after a connection closed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts a stored answer of `model`; its reader (past `started`), turn id and answer id.
async fn start_turn(app: &TestApp, model: &str) -> (EventReader, String, String) {
    let mut reader = EventReader::new(app.start_new_chat(model, "go").await);
    match reader.next_event().await {
        Some((
            _,
            ChatEvent::Started {
                turn_id,
                stored: Some(stored),
                ..
            },
        )) => (reader, turn_id.into(), stored.answer_id.into()),
        other => panic!("expected started, got {other:?}"),
    }
}

/// Reads events until `count` deltas arrived.
async fn read_deltas(reader: &mut EventReader, count: usize, who: &str) {
    let mut seen = 0;
    while seen < count {
        match reader.next_event().await {
            Some((_, ChatEvent::Delta { .. })) => seen += 1,
            Some((_, event)) if event.is_terminal() => panic!("{who}: ended early: {event:?}"),
            Some(_) => {}
            None => panic!("{who}: stream closed"),
        }
    }
}

#[tokio::test]
async fn readers_past_the_per_turn_cap_are_refused_with_a_sentence_while_the_first_keep_streaming()
{
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(&fake, "fake-slow", &[("SLUICE_READERS_PER_TURN", "2")]).await;
    let (mut starter, turn_id, answer_id) = start_turn(&app, "openai/fake-slow").await;
    let resume_body = json!({"turn_id": turn_id, "answer_id": answer_id, "after": 0});
    let second = app.api("/api/chat/resume", resume_body.clone()).await;
    assert_eq!(second.status(), 200);
    let mut second = EventReader::new(second);

    let refused = app.api("/api/chat/resume", resume_body.clone()).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let text = refused.text().await.unwrap_or_default();
    assert!(text.contains("2 readers"), "{text}");
    let events_path = format!("/api/turns/{turn_id}/events?answer_id={answer_id}");
    let refused = app
        .client
        .get(app.url(&events_path))
        .send()
        .await
        .expect("events request");
    assert_eq!(refused.status(), 429);
    let text = refused.text().await.unwrap_or_default();
    assert!(text.contains("2 readers"), "{text}");

    // The first two go on streaming.
    read_deltas(&mut starter, 3, "starter").await;
    read_deltas(&mut second, 3, "second").await;

    // One leaves: a new reader is let in.
    drop(second);
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut third = loop {
        let response = app
            .client
            .get(app.url(&events_path))
            .send()
            .await
            .expect("events request");
        if response.status() == 200 {
            break EventReader::new(response);
        }
        assert_eq!(response.status(), 429);
        assert!(Instant::now() < deadline, "no room 3 s after a reader left");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    read_deltas(&mut third, 1, "third").await;
    assert!(app.stop(&turn_id).await);
}

/// An answer whose chunks come `pause` apart with nothing at all in between.
fn pausing_script(words: &[&str], pause: Duration) -> Script {
    stream_then_stop(
        words
            .iter()
            .flat_map(|word| {
                [
                    ScriptStep::Send(content_chunk(word)),
                    ScriptStep::Wait(pause),
                ]
            })
            .collect(),
    )
}

#[tokio::test]
async fn a_streaming_answer_outlives_the_header_idle_and_body_timeouts() {
    let fake = start_fake().await;
    fake.add_script(
        "fake-pauses",
        pausing_script(
            &["one", " two", " three", " four"],
            Duration::from_millis(600),
        ),
    );
    let env = [
        ("SLUICE_HEADER_TIMEOUT_SECS", "0.2"),
        ("SLUICE_IDLE_TIMEOUT_SECS", "0.4"),
        // The request body is read at once; the answer then outlasts the body timeout too.
        ("SLUICE_BODY_TIMEOUT_SECS", "0.3"),
        // No keep-alive comment either: the connection is wholly silent during each pause.
        ("SLUICE_KEEPALIVE_SECS", "30"),
    ];
    let app = TestApp::with_fake_and(&fake, "fake-pauses", &env).await;
    let started = Instant::now();
    let (mut reader, turn_id, answer_id) = start_turn(&app, "openai/fake-pauses").await;
    // A second reader on the EventSource route, also silent for longer than both timeouts.
    let events = app
        .client
        .get(app.url(&format!(
            "/api/turns/{turn_id}/events?answer_id={answer_id}"
        )))
        .send()
        .await
        .expect("events request");
    assert_eq!(events.status(), 200);
    let mut second = EventReader::new(events);
    let mut texts = Vec::new();
    for reader in [&mut reader, &mut second] {
        let mut text = String::new();
        let mut done = false;
        while let Some((_, event)) = reader.next_event().await {
            match event {
                ChatEvent::Delta { text: delta } => text.push_str(&delta),
                ChatEvent::Done(_) => done = true,
                ChatEvent::Error { .. } => panic!("the answer failed: {event:?}"),
                _ => {}
            }
        }
        assert!(done, "the answer was cut: {text:?}");
        texts.push(text);
    }
    assert!(
        started.elapsed() > Duration::from_millis(2000),
        "the answer was meant to outlast the timeouts: {:?}",
        started.elapsed()
    );
    assert_eq!(texts, ["one two three four", "one two three four"]);
}
