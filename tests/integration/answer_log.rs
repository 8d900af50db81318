//! The log of finished answers (issue 26): the real binary, with `SLUICE_LOG_FORMAT=json`,
//! writes one JSON object per line, and an answer that ends writes one `answer finished` line
//! with its ids, model, status, TTFT, tokens and duration — and never the conversation's text.

use crate::support::server_process::{local_client, ServerProcess};
use crate::support::{start_fake, EventReader, TempDir};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The `answer finished` line of `log`, parsed, once it is there (up to 10 s).
async fn answer_finished_line(log: &std::path::Path) -> (Value, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let found = text
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|line| line["message"] == "answer finished");
        if let Some(line) = found {
            return (line, text);
        }
        assert!(
            Instant::now() < deadline,
            "no `answer finished` line in the log:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_answer_writes_one_json_log_line_with_its_figures_and_no_text() {
    let fake = start_fake().await;
    let data = TempDir::new("answer-log");
    let client = local_client();
    let mut server = ServerProcess::start_with(
        &data.path,
        &fake.base_url(),
        "json-log",
        &[
            ("SLUICE_LOG_FORMAT", "json"),
            ("RUST_LOG", "info"),
            ("OPENAI_MODELS", "fake-echo"),
        ],
    )
    .await;
    server.wait_until_serving(&client).await;

    let secret = "a line only the user and the model may read 7f3e";
    let response = client
        .post(server.url("/api/chat/stream"))
        .json(&json!({
            "model": "openai/fake-echo",
            "messages": [{"role": "user", "content": secret}],
        }))
        .send()
        .await
        .expect("stream request");
    assert_eq!(response.status(), 200);
    let mut reader = EventReader::new(response);
    while let Some((_, event)) = reader.next_event().await {
        if event.is_terminal() {
            break;
        }
    }

    let (line, whole_log) = answer_finished_line(server.log_path()).await;
    assert_eq!(line["status"], "complete", "{line}");
    assert_eq!(line["error_kind"], "none", "{line}");
    assert_eq!(line["model"], "openai/fake-echo", "{line}");
    assert_eq!(line["provider"], "openai", "{line}");
    assert!(
        line["turn_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{line}"
    );
    assert!(
        line["output_tokens"].as_u64().is_some_and(|n| n > 0),
        "{line}"
    );
    assert!(line["ttft_ms"].is_u64(), "{line}");
    assert!(line["duration_ms"].is_u64(), "{line}");
    // Every line of the log is JSON, and none carries the conversation's text.
    for text_line in whole_log.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            serde_json::from_str::<Value>(text_line).is_ok(),
            "not JSON: {text_line}"
        );
    }
    assert!(
        !whole_log.contains("7f3e"),
        "the log holds the message text"
    );
}
