//! Turns outlive their connections: a reader that reloads, reconnects or joins from another tab
//! ends with exactly the text the upstream sent — no character missing, none doubled — through
//! `POST /api/chat/resume` and `GET /api/turns/{id}/events` (`Last-Event-ID`). Also: Stop from
//! another reader, a reader that never reads does not slow anyone, and the registry empties.

use crate::support::chat_script::{content_chunk, stream_then_stop};
use crate::support::{start_fake, EventReader, TestApp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sluice::conversation::MessageStatus;
use sluice::events::{ChatEvent, FinishReason, StoredTurn};
use sluice_fake_upstream::{Script, ScriptStep};
use std::time::{Duration, Instant};

/// What a reader shows, built from events the way the page builds it.
#[derive(Debug, Default)]
struct Shown {
    /// The answer text.
    text: String,
    /// Sequence number of the last event applied.
    last_seq: u64,
    /// The turn's id, once `started` arrived.
    turn_id: Option<String>,
    /// True once `done`, `error` or `stored` arrived.
    ended: bool,
}

impl Shown {
    /// Applies one event; panics if the server sent an event twice or out of order.
    fn apply(&mut self, seq: u64, event: ChatEvent) {
        if seq != 0 {
            assert!(
                seq > self.last_seq,
                "event {seq} sent after {} (duplicate)",
                self.last_seq
            );
            self.last_seq = seq;
        }
        match event {
            ChatEvent::Started {
                turn_id, stored, ..
            } => {
                // A reader following from the start keeps only the text the turn continues.
                let keep = stored.map_or(0, |s| s.prefix_bytes);
                self.text.truncate(keep);
                self.turn_id = Some(turn_id.into());
            }
            ChatEvent::Delta { text } => self.text.push_str(&text),
            ChatEvent::Stored { message } => {
                self.text = message.content;
                self.ended = true;
            }
            ChatEvent::Done(_) | ChatEvent::Error { .. } => self.ended = true,
            _ => {}
        }
    }

    /// Applies events from `reader` until the end, or until `limit` events were applied.
    async fn read(&mut self, reader: &mut EventReader, limit: usize) {
        let mut applied = 0;
        while applied < limit && !self.ended {
            match reader.next_event().await {
                Some((seq, event)) => self.apply(seq, event),
                None => return,
            }
            applied += 1;
        }
    }
}

/// Resumes a turn through the server function.
async fn resume(
    app: &TestApp,
    turn_id: Option<&str>,
    answer_id: Option<&str>,
    after: u64,
) -> EventReader {
    let response = app
        .api(
            "/api/chat/resume",
            json!({"turn_id": turn_id, "answer_id": answer_id, "after": after}),
        )
        .await;
    assert_eq!(response.status(), 200, "resume refused");
    EventReader::new(response)
}

/// Starts a stored answer of `model` to `prompt`; the reader and the stored ids.
async fn start(app: &TestApp, model: &str, prompt: &str) -> (EventReader, Shown, StoredTurn) {
    let mut reader = EventReader::new(app.start_new_chat(model, prompt).await);
    let mut shown = Shown::default();
    let Some((seq, event)) = reader.next_event().await else {
        panic!("no started event");
    };
    let ChatEvent::Started {
        stored: Some(ids), ..
    } = &event
    else {
        panic!("expected started, got {event:?}");
    };
    let ids = ids.clone();
    shown.apply(seq, event);
    (reader, shown, ids)
}

/// Random text with multi-byte characters, newlines and Markdown, `len` characters long.
fn random_text(rng: &mut StdRng, len: usize) -> String {
    const PIECES: [&str; 12] = [
        "a",
        "word ",
        "é",
        "世界",
        "🚀",
        "\n",
        "**b**",
        "`c`",
        "👩🏽‍💻",
        " ",
        "|x|",
        "\u{200b}",
    ];
    let mut text = String::from("Start:");
    while text.chars().count() < len {
        text.push_str(PIECES[rng.random_range(0..PIECES.len())]);
    }
    text.push_str(" end.");
    text
}

/// Waits until the registry holds no live turn.
async fn registry_empties(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.state.turns.live_count() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(app.state.turns.live_count(), 0, "finished turns are freed");
}

/// One reload trial: read a random number of events, drop the connection, then come back the
/// way a reconnecting page (after its last sequence number), a reloaded page (from the start,
/// by answer id) or a page reloaded twice does. The final text must be the prompt (what
/// `fake-echo` sends) and equal to what is stored.
async fn reload_trial(app: &TestApp, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let len = rng.random_range(150..400);
    let prompt = random_text(&mut rng, len);
    let (mut reader, mut shown, ids) = start(app, "openai/fake-echo", &prompt).await;
    let first_cut = rng.random_range(0..40);
    shown.read(&mut reader, first_cut).await;
    if rng.random_bool(0.3) {
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..60))).await;
    }
    drop(reader);
    let mode = rng.random_range(0..3);
    if !shown.ended {
        let turn_id = shown.turn_id.clone();
        let mut next = match mode {
            0 => {
                resume(
                    app,
                    turn_id.as_deref(),
                    Some(&ids.answer_id),
                    shown.last_seq,
                )
                .await
            }
            _ => {
                shown = Shown::default();
                resume(app, None, Some(&ids.answer_id), 0).await
            }
        };
        if mode == 2 {
            let second_cut = rng.random_range(0..30);
            shown.read(&mut next, second_cut).await;
            drop(next);
            let turn_id = shown.turn_id.clone();
            next = resume(
                app,
                turn_id.as_deref(),
                Some(&ids.answer_id),
                shown.last_seq,
            )
            .await;
        }
        shown.read(&mut next, usize::MAX).await;
    }
    assert!(shown.ended, "seed {seed}: the answer never ended");
    assert_eq!(
        shown.text, prompt,
        "seed {seed}, mode {mode}, cut {first_cut}"
    );
    let stored = app.conversation(&ids.conversation_id).await;
    assert_eq!(
        stored.messages[1].status,
        MessageStatus::Complete,
        "seed {seed}"
    );
    assert_eq!(stored.messages[1].content, prompt, "seed {seed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_random_reloads_each_end_with_exactly_the_upstream_text() {
    let fake = start_fake().await;
    let unlimited = [
        ("SLUICE_CONCURRENT_STREAMS", "0"),
        ("SLUICE_MESSAGES_PER_MINUTE", "0"),
        ("SLUICE_IP_REQUESTS_PER_MINUTE", "0"),
    ];
    let app = TestApp::with_fake_and(&fake, "fake-echo", &unlimited).await;
    let base_seed: u64 = std::env::var("SLUICE_RELOAD_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    println!("reload trials: base seed {base_seed} (set SLUICE_RELOAD_SEED to repeat)");
    for batch in 0..10u64 {
        let trials = (0..10u64).map(|i| reload_trial(&app, base_seed + batch * 10 + i));
        futures::future::join_all(trials).await;
    }
    registry_empties(&app).await;
}

#[tokio::test]
async fn a_second_reader_sees_the_same_live_text_and_stop_from_it_ends_both() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-slow").await;
    let (mut first, mut shown_first, ids) = start(&app, "openai/fake-slow", "count").await;
    shown_first.read(&mut first, 5).await;
    // The second tab opens the conversation: it follows the answer's turn from the start.
    let mut second = resume(&app, None, Some(&ids.answer_id), 0).await;
    let mut shown_second = Shown::default();
    shown_second.read(&mut second, 3).await;
    let turn_id = shown_second.turn_id.clone().expect("started");
    assert_eq!(Some(&turn_id), shown_first.turn_id.as_ref());
    assert!(app.stop(&turn_id).await, "stop from the second reader");
    let (end_first, end_second) = tokio::join!(
        shown_first.read(&mut first, usize::MAX),
        shown_second.read(&mut second, usize::MAX)
    );
    let _ = (end_first, end_second);
    assert!(shown_first.ended && shown_second.ended);
    assert_eq!(shown_first.text, shown_second.text);
    assert!(
        shown_first.text.starts_with("word1 word2"),
        "{}",
        shown_first.text
    );
    let stored = app.conversation(&ids.conversation_id).await;
    assert_eq!(stored.messages[1].status, MessageStatus::Stopped);
    assert_eq!(stored.messages[1].content, shown_first.text);
    registry_empties(&app).await;
}

/// A script sending `chunks` deltas of 1 KiB as fast as it can, then the end.
fn flood_script(chunks: usize) -> Script {
    let piece = "0123456789abcdef".repeat(64);
    stream_then_stop(
        (0..chunks)
            .map(|_| ScriptStep::Send(content_chunk(&piece)))
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_never_reads_slows_neither_the_upstream_nor_other_readers() {
    let fake = start_fake().await;
    // 16 MiB: far more than the socket buffers of a reader that never reads.
    fake.add_script("fake-flood", flood_script(16 * 1024));
    // The answer is larger than the default `max_answer_bytes` on purpose.
    let app =
        TestApp::with_fake_and(&fake, "fake-flood", &[("SLUICE_MAX_ANSWER_BYTES", "0")]).await;
    let (mut reader, mut shown, ids) = start(&app, "openai/fake-flood", "flood").await;
    // Attached but never read: its socket buffers fill while the turn goes on.
    let stuck = app
        .api(
            "/api/chat/resume",
            json!({"answer_id": ids.answer_id, "after": 0}),
        )
        .await;
    shown.read(&mut reader, usize::MAX).await;
    assert_eq!(shown.text.len(), 16 * 1024 * 1024);
    let deadline = Instant::now() + Duration::from_secs(2);
    while !fake.records().first().is_some_and(|r| r.completed) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let completed = fake.records().first().is_some_and(|r| r.completed);
    assert!(
        completed,
        "the upstream ran to its end while a reader was stuck"
    );
    // The stuck reader, read at last, still gets everything exactly once.
    let mut late = Shown::default();
    late.read(&mut EventReader::new(stuck), usize::MAX).await;
    assert_eq!(late.text, shown.text);
    registry_empties(&app).await;
}

#[tokio::test]
async fn a_turn_that_ended_is_answered_from_the_database() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let (mut reader, mut shown, ids) = start(&app, "openai/fake-echo", "Hello there, tab.").await;
    shown.read(&mut reader, usize::MAX).await;
    registry_empties(&app).await;
    let mut late = Shown::default();
    let mut again = resume(&app, shown.turn_id.as_deref(), Some(&ids.answer_id), 3).await;
    late.read(&mut again, usize::MAX).await;
    assert!(late.ended);
    assert_eq!(late.text, "Hello there, tab.");
    // The turn id alone is enough: it names its stored answer (issue 21).
    let mut by_turn = Shown::default();
    let mut again = resume(&app, shown.turn_id.as_deref(), None, 3).await;
    by_turn.read(&mut again, usize::MAX).await;
    assert!(by_turn.ended);
    assert_eq!(by_turn.text, "Hello there, tab.");
    // A temporary chat keeps no copy: a clear 404.
    let temporary = EventReader::new(app.stream_chat("openai/fake-echo", "Gone soon.").await);
    let events = temporary.collect().await;
    let Some((_, ChatEvent::Started { turn_id, .. })) = events.first() else {
        panic!("no started event: {events:?}");
    };
    registry_empties(&app).await;
    let response = app
        .api("/api/chat/resume", json!({"turn_id": turn_id, "after": 0}))
        .await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap_or_default();
    assert!(body.contains("no longer being written"), "{body}");
    // Neither id: 400.
    let response = app.api("/api/chat/resume", json!({"after": 0})).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn the_get_endpoint_honours_last_event_id() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-slow").await;
    let (mut reader, mut shown, ids) = start(&app, "openai/fake-slow", "count").await;
    shown.read(&mut reader, 6).await;
    drop(reader);
    let turn_id = shown.turn_id.clone().expect("started");
    let path = format!("/api/turns/{turn_id}/events?answer_id={}", ids.answer_id);
    let response = app
        .client
        .get(app.url(&path))
        .header("last-event-id", shown.last_seq.to_string())
        .send()
        .await
        .expect("events request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"text/event-stream"[..])
    );
    let mut events = EventReader::new(response);
    shown.read(&mut events, 4).await;
    assert!(app.stop(&turn_id).await);
    shown.read(&mut events, usize::MAX).await;
    let stored = app.conversation(&ids.conversation_id).await;
    assert_eq!(shown.text, stored.messages[1].content);
    registry_empties(&app).await;

    // The turn has ended: with the answer named, the stored answer (id `end`) …
    let response = app
        .client
        .get(app.url(&path))
        .send()
        .await
        .expect("request");
    let body = response.text().await.unwrap_or_default();
    assert!(body.starts_with("id: end\nevent: stored\n"), "{body}");
    // … and an EventSource reconnecting after it, or naming no answer, is told to stop.
    for (url, last_event_id) in [
        (path.clone(), "end"),
        (format!("/api/turns/{turn_id}/events"), "3"),
        ("/api/turns/unknown/events".to_string(), "0"),
    ] {
        let response = app
            .client
            .get(app.url(&url))
            .header("last-event-id", last_event_id)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 204, "{url} after {last_event_id}");
    }
    // A Last-Event-ID that is not ours: 400 with a sentence.
    let response = app
        .client
        .get(app.url(&path))
        .header("last-event-id", "banana")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert!(response
        .text()
        .await
        .unwrap_or_default()
        .contains("Last-Event-ID"));
}

#[tokio::test]
async fn a_continued_answer_followed_from_the_start_keeps_its_earlier_text() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-slow,fake-echo").await;
    let (mut reader, mut shown, ids) = start(&app, "openai/fake-slow", "count").await;
    shown.read(&mut reader, 4).await;
    assert!(app.stop(shown.turn_id.as_deref().expect("started")).await);
    shown.read(&mut reader, usize::MAX).await;
    let before = app.conversation(&ids.conversation_id).await.messages[1]
        .content
        .clone();
    let response = app
        .continue_answer(&ids.conversation_id, &ids.answer_id)
        .await;
    let mut continuing = EventReader::new(response);
    let mut original = Shown {
        text: before.clone(),
        ..Shown::default()
    };
    original.read(&mut continuing, 3).await;
    // A reloaded page shows the stored text and follows the continuation from its start.
    let mut page = Shown {
        text: app.conversation(&ids.conversation_id).await.messages[1]
            .content
            .clone(),
        ..Shown::default()
    };
    let mut follower = resume(&app, None, Some(&ids.answer_id), 0).await;
    page.read(&mut follower, 2).await;
    assert!(page.text.starts_with(&before), "the earlier text is kept");
    let turn_id = page.turn_id.clone().expect("started");
    assert!(app.stop(&turn_id).await);
    original.read(&mut continuing, usize::MAX).await;
    page.read(&mut follower, usize::MAX).await;
    let stored = app.conversation(&ids.conversation_id).await.messages[1]
        .content
        .clone();
    assert_eq!(original.text, stored);
    assert_eq!(page.text, stored);
    assert!(stored.len() > before.len());
}

#[tokio::test]
async fn finish_reasons_reach_every_reader() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let (mut reader, _, ids) = start(&app, "openai/fake-echo", "short").await;
    let mut second = resume(&app, None, Some(&ids.answer_id), 0).await;
    let first_events = {
        let mut events = Vec::new();
        while let Some((_, event)) = reader.next_event().await {
            events.push(event);
        }
        events
    };
    let mut last = None;
    while let Some((_, event)) = second.next_event().await {
        last = Some(event);
    }
    for end in [first_events.last().cloned(), last] {
        match end {
            Some(ChatEvent::Done(stats)) => assert_eq!(stats.finish_reason, FinishReason::Stop),
            Some(ChatEvent::Stored { message }) => {
                assert_eq!(message.status, MessageStatus::Complete)
            }
            other => panic!("expected the end, got {other:?}"),
        }
    }
}
