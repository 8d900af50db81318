//! Clients that send a request's header in time and then hold its body: one that declares a
//! large body and sends ten bytes, one that drips it. Each gets a 408 sentence (or, if it
//! keeps sending into a closed connection, a reset) within the body timeout, while a large
//! body sent at full speed and a streaming answer are unaffected.

use super::edge_bodies::escaped_quotes_export;
use super::raw_http::{connect, exchange, get_request, parse, read_until_closed};
use crate::support::TestApp;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// A short body timeout, and header and idle timeouts long enough not to be the ones that
/// close a connection here.
const SHORT_BODY_TIMEOUT: [(&str, &str); 3] = [
    ("SLUICE_BODY_TIMEOUT_SECS", "0.5"),
    ("SLUICE_HEADER_TIMEOUT_SECS", "30"),
    ("SLUICE_IDLE_TIMEOUT_SECS", "30"),
];

/// The 408 sentence for [`SHORT_BODY_TIMEOUT`].
const SENTENCE: &str = "The request body arrived too slowly: all of it must arrive within 0.5 \
                        seconds of the request header.\n";

/// The header of an import that declares `length` bytes of body.
fn import_header(app: &TestApp, length: usize) -> String {
    format!(
        "POST /api/conversations/import HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\n\r\n",
        app.addr
    )
}

#[tokio::test]
async fn a_body_declared_but_not_sent_gets_a_408_sentence_within_the_body_timeout() {
    let app = TestApp::spawn(&SHORT_BODY_TIMEOUT).await;
    let mut stream = connect(app.addr).await;
    let request = format!("{}{{\"document", import_header(&app, 100_000));
    stream.write_all(request.as_bytes()).await.expect("send");
    let closed = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    let Some((after, raw)) = closed else {
        panic!("a connection with a missing body is still open after 5 s");
    };
    assert!(
        after >= Duration::from_millis(400) && after < Duration::from_millis(2500),
        "closed after {after:?}"
    );
    let answer = parse(&raw);
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.header("connection").as_deref(), Some("close"));
    assert_eq!(answer.text(), SENTENCE);
    // The server still answers others, and nothing was imported.
    let other = exchange(app.addr, &get_request(app.addr, "/api/nope")).await;
    assert_eq!(other.status, 404, "{other:?}");
    let list = app.conversation_list().await;
    assert!(list.is_empty(), "{list:?}");
}

#[tokio::test]
async fn a_dripped_body_is_cut_at_the_body_timeout() {
    let app = TestApp::spawn(&SHORT_BODY_TIMEOUT).await;
    let stream = connect(app.addr).await;
    let (mut reading, mut writing) = stream.into_split();
    let header = import_header(&app, 400);
    writing.write_all(header.as_bytes()).await.expect("send");
    let started = Instant::now();
    // One byte every 50 ms: 400 bytes would take 20 s.
    let dripping = tokio::spawn(async move {
        for _ in 0..400 {
            if writing.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let closed = read_until_closed(&mut reading, Duration::from_secs(5)).await;
    dripping.abort();
    let Some((_, raw)) = closed else {
        panic!("a dripping body keeps its connection after 5 s");
    };
    let after = started.elapsed();
    assert!(
        after >= Duration::from_millis(400) && after < Duration::from_millis(2500),
        "closed after {after:?}"
    );
    // The answer may be lost to a reset if a drop of the drip crossed the closing.
    if !raw.is_empty() {
        let answer = parse(&raw);
        assert_eq!(answer.status, 408, "{answer:?}");
        assert_eq!(answer.text(), SENTENCE);
    }
    let other = exchange(app.addr, &get_request(app.addr, "/api/nope")).await;
    assert_eq!(other.status, 404, "{other:?}");
}

#[tokio::test]
async fn a_large_import_sent_at_full_speed_is_unaffected() {
    let limit = 1024 * 1024;
    let mut env = SHORT_BODY_TIMEOUT.to_vec();
    env.push(("SLUICE_MAX_IMPORT_BYTES", "1048576"));
    let app = TestApp::spawn(&env).await;
    // Escaped quotes: the request body is about twice the file's limit (2 MiB).
    let document = escaped_quotes_export("Large", limit);
    let response = app
        .api("/api/conversations/import", json!({ "document": document }))
        .await;
    let status = response.status().as_u16();
    let text = response.text().await.expect("import answer");
    assert_eq!(status, 200, "{text:.300}");
}
