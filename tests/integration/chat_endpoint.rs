//! The streaming endpoint over real HTTP: wire format and headers, the demo model, the
//! OpenAI-compatible adapter against the fake upstream, keep-alives, and what bad input and
//! failing providers produce.

use crate::support::{decode_text, start_fake, text_of, EventReader, TestApp, FAKE_KEY};
use sluice::events::{ChatEvent, FinishReason};
use sluice::providers::demo::demo_answer;
use sluice_fake_upstream::{Script, ScriptStep};
use std::time::Duration;

/// An OpenAI chunk carrying `text`.
fn chunk(text: &str) -> Vec<u8> {
    let json =
        serde_json::json!({"choices":[{"index":0,"delta":{"content":text},"finish_reason":null}]});
    format!("data: {json}\n\n").into_bytes()
}

#[tokio::test]
async fn demo_model_streams_typed_sse_frames_with_streaming_headers() {
    let app = TestApp::spawn(&[
        ("SLUICE_DEMO_TTFT_MS", "20"),
        ("SLUICE_DEMO_TOKENS_PER_SECOND", "5000"),
    ])
    .await;
    let response = app
        .client
        .post(app.url("/api/chat/stream"))
        .header("accept-encoding", "gzip, br")
        .json(&serde_json::json!({"messages":[{"role":"user","content":"Show me a table"}]}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-accel-buffering"], "no");
    assert!(
        headers.get("content-encoding").is_none(),
        "SSE must never be compressed"
    );

    let events = EventReader::new(response).collect().await;
    let seqs: Vec<u64> = events.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(
        seqs,
        (1..=events.len() as u64).collect::<Vec<_>>(),
        "ids count up from 1"
    );
    assert!(
        matches!(&events[0].1, ChatEvent::Started { model, .. } if model == "demo/sluice-demo")
    );
    assert_eq!(text_of(&events), demo_answer("Show me a table"));
    let answer = text_of(&events);
    assert!(
        answer
            .chars()
            .any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)),
        "demo answer lacks CJK"
    );
    assert!(
        answer.chars().any(|c| c as u32 >= 0x1F300),
        "demo answer lacks an emoji"
    );
    for needle in ["|", "```", "#"] {
        assert!(answer.contains(needle), "demo answer lacks {needle:?}");
    }
    assert!(
        answer.contains("\n- ") || answer.contains("\n1. "),
        "demo answer lacks a list"
    );
    assert!(events.iter().any(|(_, e)| matches!(e, ChatEvent::Usage(_))));
    match &events.last().expect("events").1 {
        ChatEvent::Done(stats) => {
            assert_eq!(stats.finish_reason, FinishReason::Stop);
            assert!(stats.ttft_ms.is_some());
            assert!(stats.tokens_per_second.is_some());
        }
        other => panic!("expected done, got {other:?}"),
    }
}

#[tokio::test]
async fn openai_adapter_streams_a_scripted_answer_with_usage() {
    let fake = start_fake().await;
    let mut steps = vec![ScriptStep::Send(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n".to_vec())];
    for piece in ["Hel", "lo, w", "ö", "rld 🌍"] {
        steps.push(ScriptStep::Send(chunk(piece)));
        steps.push(ScriptStep::Wait(Duration::from_millis(5)));
    }
    steps.push(ScriptStep::Send(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n".to_vec(),
    ));
    fake.add_script(
        "scripted",
        Script {
            status: 200,
            content_type: "text/event-stream".into(),
            steps,
        },
    );
    let app = TestApp::with_fake(&fake, "scripted").await;
    let events = EventReader::new(app.stream_chat("openai/scripted", "hi").await)
        .collect()
        .await;
    assert_eq!(text_of(&events), "Hello, wörld 🌍");
    assert!(events.iter().any(
        |(_, e)| matches!(e, ChatEvent::Usage(u) if u.input_tokens == 9 && u.output_tokens == 4)
    ));
    match &events.last().expect("events").1 {
        ChatEvent::Done(stats) => {
            assert_eq!(stats.finish_reason, FinishReason::Length);
            assert_eq!(stats.output_tokens, 4);
        }
        other => panic!("expected done, got {other:?}"),
    }
    let records = fake.records();
    assert!(
        records[0].authorization_ok,
        "the key is sent as a bearer token"
    );
}

#[tokio::test]
async fn keep_alive_comments_flow_while_the_upstream_is_silent() {
    let fake = start_fake().await;
    let base = fake.base_url();
    let app = TestApp::spawn(&[
        ("OPENAI_BASE_URL", base.as_str()),
        ("OPENAI_API_KEY", FAKE_KEY),
        ("OPENAI_MODELS", "fake-stall"),
        ("SLUICE_KEEPALIVE_SECS", "0.1"),
    ])
    .await;
    let response = app.stream_chat("openai/fake-stall", "hello").await;
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    use futures::StreamExt;
    while seen.matches(": keep-alive").count() < 2 && tokio::time::Instant::now() < deadline {
        if let Ok(Some(Ok(bytes))) = tokio::time::timeout(Duration::from_secs(1), body.next()).await
        {
            seen.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    assert!(
        seen.matches(": keep-alive").count() >= 2,
        "got only: {seen:?}"
    );
}

#[tokio::test]
async fn provider_http_errors_become_clear_messages_without_the_key() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-unauthorized,fake-ratelimit,fake-overloaded").await;
    let cases = [
        ("openai/fake-unauthorized", "Invalid API key for OpenAI"),
        (
            "openai/fake-ratelimit",
            "Rate limited by OpenAI, retry after 20 s",
        ),
        ("openai/fake-overloaded", "OpenAI is unavailable (HTTP 503)"),
    ];
    for (model, expected) in cases {
        let response = app.stream_chat(model, "hi").await;
        let raw = response.text().await.expect("body");
        assert!(!raw.contains(FAKE_KEY), "{model}: the key leaked");
        let events = decode_text(&raw);
        match events.last() {
            Some((_, ChatEvent::Error { message })) => {
                assert!(message.contains(expected), "{model}: {message}");
                assert!(!message.contains('{'), "{model}: raw JSON in {message}");
            }
            other => panic!("{model}: expected an error event, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_error_or_a_dropped_connection_mid_answer_keeps_the_text_and_ends_with_an_error() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-error,fake-drop").await;
    for model in ["openai/fake-error", "openai/fake-drop"] {
        let events = EventReader::new(app.stream_chat(model, "hi").await)
            .collect()
            .await;
        assert!(
            !text_of(&events).is_empty(),
            "{model}: partial text was streamed"
        );
        match events.last() {
            Some((_, ChatEvent::Error { message })) => assert!(!message.is_empty()),
            other => panic!("{model}: expected an error event, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn bad_requests_get_clear_4xx_errors() {
    let app = TestApp::spawn(&[]).await;
    let post = |body: serde_json::Value| {
        let app = &app;
        async move {
            let response = app.api("/api/chat/stream", body).await;
            (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            )
        }
    };
    let (status, body) = post(serde_json::json!({"messages": []})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("The conversation is empty"), "{body}");

    let (status, body) =
        post(serde_json::json!({"messages":[{"role":"assistant","content":"x"}]})).await;
    assert_eq!(status, 400, "{body}");

    let (status, body) =
        post(serde_json::json!({"model":"nope/none","messages":[{"role":"user","content":"x"}]}))
            .await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("Unknown model"), "{body}");

    let huge = "x".repeat(300 * 1024);
    let (status, body) =
        post(serde_json::json!({"messages":[{"role":"user","content":huge}]})).await;
    assert!(status == 413, "oversized: {status} {body}");

    let response = app
        .client
        .post(app.url("/api/chat/stream"))
        .header("content-type", "application/json")
        .body("{\"messages\": [ {\"role\": \"user\", \"content\": ")
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    assert!(
        (400..500).contains(&status),
        "truncated JSON: {status} {body}"
    );
}

#[tokio::test]
async fn the_api_key_never_reaches_the_browser() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-markdown").await;
    let page = app.client.get(app.url("/")).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Sluice"));
    assert!(!html.contains(FAKE_KEY));
    let models = app
        .client
        .post(app.url("/api/models"))
        .send()
        .await
        .expect("models");
    let models = models.text().await.expect("models body");
    assert!(models.contains("openai/fake-markdown"), "{models}");
    assert!(!models.contains(FAKE_KEY) && !models.contains(&fake.base_url()));
    let answer = app
        .stream_chat("openai/fake-markdown", "hi")
        .await
        .text()
        .await
        .expect("answer");
    assert!(!answer.contains(FAKE_KEY));
}

#[tokio::test]
async fn a_provider_error_that_echoes_the_key_is_scrubbed() {
    let fake = start_fake().await;
    let error = format!(
        "data: {{\"error\":{{\"message\":\"bad key {FAKE_KEY} for project\",\"type\":\"server_error\"}}}}\n\n"
    );
    let steps = vec![
        ScriptStep::Send(chunk("partial ")),
        ScriptStep::Send(error.into_bytes()),
    ];
    fake.add_script(
        "echo-key",
        Script {
            status: 200,
            content_type: "text/event-stream".into(),
            steps,
        },
    );
    let app = TestApp::with_fake(&fake, "echo-key").await;
    let raw = app
        .stream_chat("openai/echo-key", "hi")
        .await
        .text()
        .await
        .expect("body");
    assert!(!raw.contains(FAKE_KEY), "the key leaked: {raw}");
    let events = decode_text(&raw);
    assert_eq!(text_of(&events), "partial ");
    match events.last() {
        Some((_, ChatEvent::Error { message })) => {
            assert!(message.contains("[redacted]"), "{message}")
        }
        other => panic!("expected an error event, got {other:?}"),
    }
}

/// Posts `body` to the streaming endpoint; the status and the body as text.
async fn post_chat(app: &TestApp, body: serde_json::Value) -> (u16, String) {
    let response = app.api("/api/chat/stream", body).await;
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn temporary_chats_have_the_message_size_limit_of_stored_ones() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let model = "openai/fake-echo";
    // 200,000 bytes: under max_request_bytes (256 KiB), over max_message_bytes (64 KiB).
    let huge = "x".repeat(200_000);
    let stored = post_chat(
        &app,
        serde_json::json!({"model": model, "action": {"type": "send", "content": huge}}),
    )
    .await;
    assert_eq!(stored.0, 413, "{}", stored.1);
    let temporary = post_chat(
        &app,
        serde_json::json!({"model": model, "messages": [{"role": "user", "content": huge}]}),
    )
    .await;
    assert_eq!(temporary, stored, "the same refusal on both paths");
    // An earlier user message is held to the same limit as the last one.
    let earlier = post_chat(
        &app,
        serde_json::json!({"model": model, "messages": [
            {"role": "user", "content": huge},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "and now?"},
        ]}),
    )
    .await;
    assert_eq!(earlier, stored);

    let stored_prompt = post_chat(
        &app,
        serde_json::json!({"model": model, "system_prompt": huge,
                           "action": {"type": "send", "content": "Hi"}}),
    )
    .await;
    assert_eq!(stored_prompt.0, 413, "{}", stored_prompt.1);
    assert!(
        stored_prompt.1.contains("system prompt"),
        "{}",
        stored_prompt.1
    );
    let temporary_prompt = post_chat(
        &app,
        serde_json::json!({"model": model, "messages": [
            {"role": "system", "content": huge},
            {"role": "user", "content": "Hi"},
        ]}),
    )
    .await;
    assert_eq!(
        temporary_prompt, stored_prompt,
        "the same refusal on both paths"
    );
    assert!(fake.records().is_empty(), "nothing reached the upstream");
}

#[tokio::test]
async fn a_body_with_both_or_neither_action_and_messages_is_400_with_the_sentence() {
    let app = TestApp::spawn(&[]).await;
    let sentence = sluice::chat_request::EITHER_ACTION_OR_MESSAGES;
    for body in [
        serde_json::json!({
            "action": {"type": "send", "content": "Hi"},
            "messages": [{"role": "user", "content": "Hi"}],
        }),
        serde_json::json!({}),
        serde_json::json!({"model": "demo/sluice-demo", "merge_ms": 40}),
    ] {
        let response = app.api("/api/chat/stream", body.clone()).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains(sentence), "{body}: {text}");
    }
    // Nothing was stored.
    let list = app
        .state
        .store
        .list_conversations(sluice::store::UserId::LOCAL, None)
        .await
        .expect("list");
    assert!(list.is_empty(), "{list:?}");
}
