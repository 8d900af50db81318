//! Chaos: an upstream killed mid-answer, one that stalls, one that sends garbage, and the app
//! itself stopped with SIGTERM mid-answer. Each ends with a clear event for every reader and a
//! stored state holding every character that was sent.

use crate::support::server_process::{load, local_client, ServerProcess};
use crate::support::{start_fake, text_of, EventReader, TempDir, TestApp};
use serde_json::json;
use sluice::conversation::MessageStatus;
use sluice::events::{ChatEvent, FinishReason};
use std::time::Duration;

/// Runs a stored answer of `model` to its end; the events, the stored answer's status, text
/// and error.
async fn answer_of(
    app: &TestApp,
    model: &str,
) -> (Vec<(u64, ChatEvent)>, MessageStatus, String, Option<String>) {
    let response = app.start_new_chat(model, "go").await;
    assert_eq!(response.status(), 200);
    let events = EventReader::new(response).collect().await;
    let Some((
        _,
        ChatEvent::Started {
            stored: Some(ids), ..
        },
    )) = events.first()
    else {
        panic!("no started event: {events:?}");
    };
    let tree = app.conversation(&ids.conversation_id).await;
    let answer = &tree.messages[1];
    (
        events.clone(),
        answer.status,
        answer.content.clone(),
        answer.error.clone(),
    )
}

/// The message of the final `error` event.
fn final_error(events: &[(u64, ChatEvent)]) -> String {
    match events.last() {
        Some((_, ChatEvent::Error { message })) => message.clone(),
        other => panic!("expected an error at the end, got {other:?}"),
    }
}

#[tokio::test]
async fn an_upstream_killed_mid_answer_ends_with_an_error_and_keeps_the_text() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-drop").await;
    let (events, status, content, error) = answer_of(&app, "openai/fake-drop").await;
    let message = final_error(&events);
    assert!(message.contains("lost mid-answer"), "{message}");
    assert_eq!(status, MessageStatus::Error);
    assert_eq!(content, text_of(&events));
    assert!(content.starts_with("This answer will be cut"), "{content}");
    assert_eq!(error.as_deref(), Some(message.as_str()));
}

#[tokio::test]
async fn a_stalled_upstream_ends_the_turn_after_the_stall_timeout() {
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(
        &fake,
        "fake-stall",
        &[("SLUICE_UPSTREAM_STALL_SECS", "0.3")],
    )
    .await;
    let (events, status, content, error) = answer_of(&app, "openai/fake-stall").await;
    let message = final_error(&events);
    assert!(message.contains("sent nothing for 0.3 s"), "{message}");
    assert_eq!(status, MessageStatus::Error);
    assert_eq!(content, "");
    assert_eq!(error.as_deref(), Some(message.as_str()));
    let record = fake
        .wait_for_disconnect(0, Duration::from_secs(2))
        .await
        .expect("the stalled upstream request was dropped");
    assert!(!record.completed);
}

#[tokio::test]
async fn an_upstream_that_sends_garbage_ends_with_a_clear_error_and_keeps_the_text() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-garbage").await;
    let (events, status, content, error) = answer_of(&app, "openai/fake-garbage").await;
    let message = final_error(&events);
    assert!(
        !message.is_empty() && !message.contains('\u{1b}'),
        "{message}"
    );
    assert_eq!(status, MessageStatus::Error);
    assert_eq!(content, "Fine text and then noise");
    assert_eq!(content, text_of(&events));
    assert_eq!(error.as_deref(), Some(message.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_answer_stores_it_interrupted_and_exits_cleanly() {
    let fake = start_fake().await;
    let data = TempDir::new("sigterm");
    let client = local_client();
    let upstream = fake.base_url();
    let deadline = [("SLUICE_SHUTDOWN_DEADLINE_SECS", "0.5")];
    let mut server = ServerProcess::start_with(&data.path, &upstream, "first", &deadline).await;
    server.wait_until_serving(&client).await;
    let response = client
        .post(server.url("/api/chat/stream"))
        .json(&json!({"model": "openai/fake-slow", "action": {"type": "send", "content": "count"}}))
        .send()
        .await
        .expect("stream request");
    let mut reader = EventReader::new(response);
    let mut events = Vec::new();
    while text_of(&events).len() < 20 {
        events.push(reader.next_event().await.expect("an event"));
    }
    server.terminate();
    while let Some(event) = reader.next_event().await {
        events.push(event);
    }
    match events.last() {
        Some((_, ChatEvent::Done(stats))) => {
            assert_eq!(stats.finish_reason, FinishReason::Interrupted)
        }
        other => panic!("expected done(interrupted), got {other:?}"),
    }
    let status = server.wait_for_exit(Duration::from_secs(10)).await;
    assert!(status.success(), "exit status {status}");
    let Some((
        _,
        ChatEvent::Started {
            stored: Some(ids), ..
        },
    )) = events.first()
    else {
        panic!("no started event");
    };
    let mut restarted = ServerProcess::start(&data.path, &upstream, "second").await;
    restarted.wait_until_serving(&client).await;
    let tree = load(&client, &restarted, &ids.conversation_id).await;
    assert_eq!(tree.messages[1].status, MessageStatus::Interrupted);
    assert_eq!(tree.messages[1].content, text_of(&events), "nothing lost");
}
