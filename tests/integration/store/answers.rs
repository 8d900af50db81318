//! Streaming answers: status transitions, batched flushing (simulated time, no sleeping),
//! start-up recovery, and crash safety (a writer dropped mid-answer, the file reopened).

use super::TempDb;
use sluice::ids::ConversationId;
use sluice::store::{AnswerEnd, AnswerStats, AnswerWriter, Message, MessageStatus, Store, UserId};
use std::time::{Duration, Instant};

/// The built-in local user, owner of everything here.
const ME: UserId = UserId::LOCAL;

/// A conversation with one question and a streaming answer to it: (conversation, question, answer).
async fn turn(store: &Store) -> (ConversationId, Message, Message) {
    let c = store
        .create_conversation(ME, "T", None, None)
        .await
        .unwrap();
    let q = store
        .add_user_message(ME, &c.id, None, "question")
        .await
        .unwrap();
    let a = store.start_answer(ME, &c.id, &q.id, "m/x").await.unwrap();
    (c.id, q, a)
}

/// The stored version of `message`.
async fn stored(store: &Store, conversation: &ConversationId, message: &Message) -> Message {
    let tree = store.get_conversation(ME, conversation).await.unwrap();
    tree.messages
        .into_iter()
        .find(|m| m.id == message.id)
        .unwrap()
}

#[tokio::test]
async fn answers_end_complete_stopped_or_error() {
    let db = TempDb::new();
    let store = db.open().await;
    let t0 = Instant::now();
    let stats = AnswerStats {
        input_tokens: Some(12),
        output_tokens: Some(3),
        reasoning_tokens: Some(1),
        ttft_ms: Some(420),
        tokens_per_second: Some(55.5),
        finish_reason: Some("length".into()),
    };
    let cases = [
        (AnswerEnd::Complete, MessageStatus::Complete, None),
        (AnswerEnd::Stopped, MessageStatus::Stopped, None),
        (
            AnswerEnd::Error("upstream said no".into()),
            MessageStatus::Error,
            Some("upstream said no"),
        ),
    ];
    for (end, status, error) in cases {
        let (c, _, a) = turn(&store).await;
        let mut writer = AnswerWriter::new(store.clone(), ME, &a, t0);
        writer.push("Hel");
        writer.push("lo");
        assert_eq!(writer.writes(), 0, "push never writes");
        assert_eq!(writer.finish(end.clone(), &stats).await.unwrap(), 1);
        let m = stored(&store, &c, &a).await;
        assert_eq!(
            (m.content.as_str(), m.status, m.error.as_deref()),
            ("Hello", status, error)
        );
        assert_eq!(m.stats, stats);
        assert_eq!(m.model.as_deref(), Some("m/x"));
        // A finished answer is final: a second writer cannot reopen or change it.
        let mut late = AnswerWriter::new(store.clone(), ME, &a, t0);
        late.push("more");
        assert!(late
            .flush_if_due(t0 + Duration::from_secs(1))
            .await
            .unwrap_err()
            .is_not_found());
        assert!(late
            .finish(end, &AnswerStats::default())
            .await
            .unwrap_err()
            .is_not_found());
        assert_eq!(stored(&store, &c, &a).await.content, "Hello");
    }
    assert_eq!(
        store.recover_interrupted().await.unwrap(),
        0,
        "nothing left streaming"
    );
}

#[tokio::test]
async fn a_thousand_tokens_in_two_seconds_take_few_writes() {
    let db = TempDb::new();
    let store = db.open().await;
    let (c, _, a) = turn(&store).await;
    let t0 = Instant::now();
    let mut writer = AnswerWriter::new(store.clone(), ME, &a, t0);
    let mut expected = String::new();
    for i in 0..1000u64 {
        let token = format!("t{i} ");
        expected.push_str(&token);
        writer.push(&token);
        let now = t0 + Duration::from_millis(i * 2);
        writer.flush_if_due(now).await.unwrap();
        if i == 500 {
            // Mid-stream, the stored text lags by at most one interval but is a prefix.
            let partial = stored(&store, &c, &a).await;
            assert!(expected.starts_with(&partial.content) && !partial.content.is_empty());
            assert_eq!(partial.status, MessageStatus::Streaming);
        }
    }
    let flushes = writer.writes();
    assert!(
        (6..=8).contains(&flushes),
        "one flush per 250 ms: {flushes}"
    );
    let total = writer
        .finish(AnswerEnd::Complete, &AnswerStats::default())
        .await
        .unwrap();
    assert!(total <= 9, "at most ~4 writes per second: {total}");
    assert_eq!(stored(&store, &c, &a).await.content, expected);
}

#[tokio::test]
async fn flushing_waits_for_the_interval_and_for_new_text() {
    let db = TempDb::new();
    let store = db.open().await;
    let (_, _, a) = turn(&store).await;
    let t0 = Instant::now();
    let mut writer =
        AnswerWriter::new(store.clone(), ME, &a, t0).with_interval(Duration::from_secs(1));
    writer.push("x");
    assert!(!writer
        .flush_if_due(t0 + Duration::from_millis(999))
        .await
        .unwrap());
    assert!(writer
        .flush_if_due(t0 + Duration::from_secs(1))
        .await
        .unwrap());
    assert!(
        !writer
            .flush_if_due(t0 + Duration::from_secs(5))
            .await
            .unwrap(),
        "nothing new"
    );
    writer.push("y");
    assert!(writer
        .flush_if_due(t0 + Duration::from_secs(5))
        .await
        .unwrap());
    assert_eq!(writer.writes(), 2);
}

#[tokio::test]
async fn crash_mid_answer_keeps_the_question_and_a_prefix() {
    let db = TempDb::new();
    let store = db.open().await;
    let (c, q, a) = turn(&store).await;
    let (other_c, _, other_a) = turn(&store).await;
    let t0 = Instant::now();
    let mut writer = AnswerWriter::new(store.clone(), ME, &a, t0);
    let mut pushed = String::new();
    for i in 0..300u64 {
        let token = format!("w{i} ");
        pushed.push_str(&token);
        writer.push(&token);
        writer
            .flush_if_due(t0 + Duration::from_millis(i * 3))
            .await
            .unwrap();
    }
    assert!(writer.writes() >= 3);
    // The process dies: the writer is dropped without finish and the pool is gone.
    drop(writer);
    store.close().await;
    drop(store);

    let store = db.open().await;
    assert_eq!(store.recover_interrupted().await.unwrap(), 2);
    let tree = store.get_conversation(ME, &c).await.unwrap();
    assert!(tree
        .messages
        .iter()
        .any(|m| m.id == q.id && m.content == "question"));
    let answer = stored(&store, &c, &a).await;
    assert_eq!(answer.status, MessageStatus::Interrupted);
    assert!(pushed.starts_with(&answer.content));
    assert!(
        answer.content.len() * 10 >= pushed.len() * 7,
        "most of the text survived"
    );
    let untouched = stored(&store, &other_c, &other_a).await;
    assert_eq!(
        (untouched.status, untouched.content.as_str()),
        (MessageStatus::Interrupted, "")
    );
    assert_eq!(
        store.recover_interrupted().await.unwrap(),
        0,
        "recovery is idempotent"
    );
}
