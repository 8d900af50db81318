//! Hostile providers: an error text that echoes the API key across the point where it is cut
//! (the key must be scrubbed before the cut, or its start shows), and a provider that answers
//! with a redirect (never followed: the request carries the key in a header, which must not
//! travel to another host).

use crate::support::{decode_text, start_fake, TestApp, FAKE_KEY};
use sluice::events::ChatEvent;
use sluice_fake_upstream::{Script, ScriptStep};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The start of the key, long enough to recognise in a leaked fragment.
const KEY_START: &str = "sk-t";

/// Runs a temporary chat with `model` and returns the error message it ends with.
async fn error_of(app: &TestApp, model: &str) -> String {
    let raw = app
        .stream_chat(model, "hi")
        .await
        .text()
        .await
        .expect("body");
    assert!(!raw.contains(KEY_START), "the key leaked: {raw}");
    match decode_text(&raw).last() {
        Some((_, ChatEvent::Error { message })) => message.clone(),
        other => panic!("{model}: expected an error event, got {other:?}"),
    }
}

#[tokio::test]
async fn a_key_straddling_the_cut_of_an_error_text_is_never_half_shown() {
    let fake = start_fake().await;
    // HTTP 400: the provider's own message is shown, capped at 300 characters; the key starts
    // at character 290, so a cut before the scrub would show its first 10 characters.
    let http_body = serde_json::json!({
        "error": {"message": format!("{}{FAKE_KEY} more", "x".repeat(290)),
                  "type": "invalid_request_error"}
    });
    fake.add_script(
        "http-echo",
        Script {
            status: 400,
            content_type: "application/json".into(),
            steps: vec![ScriptStep::Send(http_body.to_string().into_bytes())],
        },
    );
    // In the stream (after HTTP 200): capped at 500 characters; the key starts at 495.
    let in_stream = serde_json::json!({
        "error": {"message": format!("{}{FAKE_KEY} more", "y".repeat(495)),
                  "type": "server_error"}
    });
    fake.add_script(
        "stream-echo",
        Script {
            status: 200,
            content_type: "text/event-stream".into(),
            steps: vec![ScriptStep::Send(
                format!("data: {in_stream}\n\n").into_bytes(),
            )],
        },
    );
    let app = TestApp::with_fake(&fake, "http-echo,stream-echo").await;

    let message = error_of(&app, "openai/http-echo").await;
    assert!(message.contains("(HTTP 400)"), "{message}");
    assert!(
        message.ends_with(&format!("{}[redacted]", "x".repeat(290))),
        "the detail is the scrubbed text, then cut: {message}"
    );

    let message = error_of(&app, "openai/stream-echo").await;
    assert!(message.starts_with(&"y".repeat(495)), "{message}");
    assert!(message.chars().count() <= 500, "{message}");
    assert!(!message.contains(KEY_START), "{message}");
}

/// A server that counts the connections it gets and answers none of them.
async fn counting_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (addr, hits)
}

/// A server that reads each request whole and answers it with `status` and
/// `Location: <target>` (same path as asked); returns its address and its request count.
async fn redirecting_server(status: u16, target: SocketAddr) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let Some(path) = read_request(&mut stream).await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let head = format!(
                    "HTTP/1.1 {status} Moved\r\nLocation: http://{target}{path}\r\n\
                     Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, hits)
}

/// Reads one request (head and `Content-Length` body); returns its path.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&buffer[..n]);
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).to_string();
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    while bytes.len() < head_end + length {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buffer[..n]);
    }
    head.split_whitespace().nth(1).map(str::to_string)
}

#[tokio::test]
async fn a_provider_redirect_is_not_followed_and_says_so() {
    let (target, target_hits) = counting_server().await;
    for status in [301_u16, 302, 307, 308] {
        let (redirector, asked) = redirecting_server(status, target).await;
        let openai = format!("http://{redirector}/v1");
        let other = format!("http://{redirector}");
        let app = TestApp::spawn(&[
            ("OPENAI_BASE_URL", openai.as_str()),
            ("OPENAI_API_KEY", FAKE_KEY),
            ("OPENAI_MODELS", "gpt-x"),
            ("ANTHROPIC_BASE_URL", other.as_str()),
            ("ANTHROPIC_API_KEY", FAKE_KEY),
            ("ANTHROPIC_MODELS", "claude-x"),
            ("GEMINI_BASE_URL", other.as_str()),
            ("GEMINI_API_KEY", FAKE_KEY),
            ("GEMINI_MODELS", "gemini-x"),
        ])
        .await;
        for model in ["openai/gpt-x", "anthropic/claude-x", "gemini/gemini-x"] {
            let message = error_of(&app, model).await;
            assert!(
                message.contains(&format!("redirect (HTTP {status})"))
                    && message.contains("set its base URL to the final address"),
                "{model} after {status}: {message}"
            );
            assert!(!message.contains(&target.to_string()), "{message}");
        }
        assert_eq!(asked.load(Ordering::SeqCst), 3, "each provider asked once");
    }
    assert_eq!(
        target_hits.load(Ordering::SeqCst),
        0,
        "the redirect target was contacted (with the API key)"
    );
}
