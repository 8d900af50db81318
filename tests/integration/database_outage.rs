//! PostgreSQL going away while the app runs (issue 22): requests that need the database get a
//! 503 with a sentence and `Retry-After`, never a panic or a hang; an answer streaming through
//! the outage reaches its reader whole and is stored once the database returns; and the app
//! serves again by itself when it does. Each test has its own server (see
//! `support::private_postgres`), since stopping the shared one would break the others.

use crate::support::private_postgres::PrivatePostgres;
use crate::support::{error_message, start_fake, text_of, EventReader, TestApp};
use sluice::conversation::MessageStatus;
use sluice::events::ChatEvent;
use std::time::{Duration, Instant};

/// The whole text `fake-steady` streams: "w1 w2 … w150".
fn steady_text() -> String {
    (1..=150)
        .map(|n| format!("w{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Polls `check` every 200 ms until it holds, for at most `limit`.
async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test]
async fn an_outage_is_a_503_with_a_sentence_and_the_app_serves_again_when_it_returns() {
    let Some(postgres) = PrivatePostgres::start("outage") else {
        return;
    };
    let url = postgres.url("postgres");
    let app = TestApp::fast_demo_and(&[
        ("SLUICE_DATABASE_URL", url.as_str()),
        ("SLUICE_DB_ACQUIRE_TIMEOUT_MS", "1000"),
    ])
    .await;
    let events = app.send_and_finish(None, None, "before the outage").await;
    assert!(!text_of(&events).is_empty());
    assert_eq!(app.conversation_list().await.len(), 1);

    postgres.stop();
    let started = Instant::now();
    let list = app
        .api("/api/conversations/list", serde_json::json!({}))
        .await;
    assert_eq!(list.status(), 503, "a list during the outage");
    assert!(list.headers().get("retry-after").is_some(), "Retry-After");
    let sentence = error_message(&list.text().await.expect("body"));
    assert!(sentence.contains("database is unavailable"), "{sentence}");
    assert!(!sentence.contains("127.0.0.1"), "no internals: {sentence}");
    // Not a timing goal: a bound far above the 1 s connection wait that a hang would pass.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the refusal hung for {:?}",
        started.elapsed()
    );
    let send = app
        .start_new_chat("demo/sluice-demo", "during the outage")
        .await;
    assert_eq!(send.status(), 503, "a message during the outage");
    let sentence = error_message(&send.text().await.expect("body"));
    assert!(sentence.contains("Nothing you sent was lost"), "{sentence}");

    postgres.start_again();
    let back = eventually(Duration::from_secs(15), || async {
        app.api("/api/conversations/list", serde_json::json!({}))
            .await
            .status()
            == 200
    })
    .await;
    assert!(
        back,
        "the app did not serve again after the database returned"
    );
    let list = app.conversation_list().await;
    assert_eq!(list.len(), 1, "what was stored before the outage is there");
    let events = app.send_and_finish(None, None, "after the outage").await;
    assert!(!text_of(&events).is_empty());
    assert_eq!(app.conversation_list().await.len(), 2);
}

#[tokio::test]
async fn an_answer_streaming_through_an_outage_reaches_its_reader_and_is_stored_after() {
    let Some(postgres) = PrivatePostgres::start("midstream") else {
        return;
    };
    let url = postgres.url("postgres");
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(
        &fake,
        "fake-steady",
        &[
            ("SLUICE_DATABASE_URL", url.as_str()),
            ("SLUICE_DB_ACQUIRE_TIMEOUT_MS", "1000"),
            ("SLUICE_FLUSH_MS", "100"),
        ],
    )
    .await;
    let response = app
        .start_new_chat("openai/fake-steady", "count slowly")
        .await;
    assert_eq!(response.status(), 200);
    let mut reader = EventReader::new(response);
    let mut received = String::new();
    let mut stored = None;
    // Stop the database after a few words, then read the rest: the stream must not notice.
    while let Some((_, event)) = reader.next_event().await {
        match event {
            ChatEvent::Started { stored: ids, .. } => stored = ids,
            ChatEvent::Delta { text } => {
                received.push_str(&text);
                if received.split(' ').count() == 10 {
                    postgres.stop();
                }
            }
            ChatEvent::Done(_) => break,
            other if other.is_terminal() => panic!("the answer ended with {other:?}"),
            _ => {}
        }
    }
    assert_eq!(received, steady_text(), "the reader got the whole answer");
    let ids = stored.expect("stored ids");

    postgres.start_again();
    let stored_whole = eventually(Duration::from_secs(30), || async {
        let response = app
            .api(
                "/api/conversations/get",
                serde_json::json!({ "id": ids.conversation_id }),
            )
            .await;
        if response.status() != 200 {
            return false;
        }
        let tree: sluice::conversation::ConversationTree =
            response.json().await.expect("conversation JSON");
        tree.messages.iter().any(|m| {
            m.id == ids.answer_id
                && m.status == MessageStatus::Complete
                && m.content == steady_text()
        })
    })
    .await;
    assert!(
        stored_whole,
        "the answer was not stored complete after the database returned"
    );
}
