//! Stop must drop the upstream request within 100 ms, and a vanished client must leave the
//! turn running for the grace period (so a reload can resume it) and then drop the upstream,
//! asserted from the fake upstream's own record of when its client hung up.

use crate::support::{start_fake, EventReader, TestApp};
use sluice::events::{ChatEvent, FinishReason};
use sluice_fake_upstream::{FakeUpstreamHandle, RequestRecord};
use std::time::{Duration, Instant};

/// Longest accepted delay between the cause and the upstream connection closing.
const BUDGET: Duration = Duration::from_millis(100);

/// The grace period set for these tests (`SLUICE_TURN_GRACE_SECS`).
const GRACE: Duration = Duration::from_millis(400);

/// How long after the grace period the upstream may still be open: the server notices a
/// vanished client at its next write (a token every 50 ms, or a keep-alive every 100 ms here).
const NOTICE: Duration = Duration::from_millis(600);

/// Settings of the apps in the vanished-client tests.
const GRACE_ENV: [(&str, &str); 2] = [
    ("SLUICE_TURN_GRACE_SECS", "0.4"),
    ("SLUICE_KEEPALIVE_SECS", "0.1"),
];

/// Reads until the `started` event and returns the turn id.
async fn started(reader: &mut EventReader) -> String {
    match reader.next_event().await {
        Some((1, ChatEvent::Started { turn_id, .. })) => turn_id.into(),
        other => panic!("expected started, got {other:?}"),
    }
}

/// Reads `n` text deltas.
async fn read_deltas(reader: &mut EventReader, n: usize) {
    let mut seen = 0;
    while seen < n {
        match reader.next_event().await {
            Some((_, ChatEvent::Delta { .. })) => seen += 1,
            Some((_, ChatEvent::Usage(_))) => {}
            other => panic!("expected a delta, got {other:?}"),
        }
    }
}

/// Waits until the fake has received the app's upstream request.
async fn upstream_open(fake: &FakeUpstreamHandle) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while fake.records().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        fake.records().len(),
        1,
        "the upstream request should be open"
    );
}

/// Asserts the fake saw its client hang up within [`BUDGET`] of `since`, mid-script.
async fn assert_dropped_within_budget(fake: &FakeUpstreamHandle, since: Instant) -> RequestRecord {
    let record = fake
        .wait_for_disconnect(0, Duration::from_secs(2))
        .await
        .expect("upstream never saw the disconnect");
    let elapsed = since.elapsed();
    assert!(elapsed < BUDGET, "upstream dropped after {elapsed:?}");
    assert!(
        !record.completed,
        "the fake must not have finished its script"
    );
    record
}

/// Waits for the app to unregister every turn.
async fn assert_no_live_turns(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(1);
    while app.state.turns.live_count() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        app.state.turns.live_count(),
        0,
        "finished turns are unregistered"
    );
}

#[tokio::test]
async fn stop_mid_stream_drops_the_upstream_within_100ms_and_ends_with_done_stopped() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-slow").await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-slow", "count").await);
    let turn_id = started(&mut reader).await;
    read_deltas(&mut reader, 3).await;

    let stopped_at = Instant::now();
    assert!(app.stop(&turn_id).await, "the turn should be live");
    assert_dropped_within_budget(&fake, stopped_at).await;

    // The client still gets a proper ending.
    let mut last = None;
    while let Some((_, event)) = reader.next_event().await {
        last = Some(event);
    }
    match last {
        Some(ChatEvent::Done(stats)) => assert_eq!(stats.finish_reason, FinishReason::Stopped),
        other => panic!("expected done(stopped), got {other:?}"),
    }
    assert_no_live_turns(&app).await;
    assert!(
        !app.stop(&turn_id).await,
        "stopping twice reports the turn as gone"
    );
}

#[tokio::test]
async fn stop_before_the_first_token_drops_the_upstream_within_100ms() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-stall").await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-stall", "hello").await);
    let turn_id = started(&mut reader).await;
    upstream_open(&fake).await;

    let stopped_at = Instant::now();
    assert!(app.stop(&turn_id).await);
    let record = assert_dropped_within_budget(&fake, stopped_at).await;
    assert!(record.first_byte_ms.is_none(), "no token was sent");
}

/// Asserts the fake's client hung up mid-script no sooner than the grace period after
/// `since`, and not much later.
async fn assert_dropped_after_grace(fake: &FakeUpstreamHandle, since: Instant) {
    let record = fake
        .wait_for_disconnect(0, Duration::from_secs(5))
        .await
        .expect("upstream never saw the disconnect");
    let elapsed = since.elapsed();
    assert!(
        elapsed >= GRACE,
        "upstream dropped during the grace period, after {elapsed:?}"
    );
    assert!(
        elapsed < GRACE + NOTICE,
        "upstream dropped after {elapsed:?}"
    );
    assert!(
        !record.completed,
        "the fake must not have finished its script"
    );
}

#[tokio::test]
async fn a_client_that_goes_away_leaves_the_turn_running_for_the_grace_period_then_drops_it() {
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(&fake, "fake-slow", &GRACE_ENV).await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-slow", "count").await);
    started(&mut reader).await;
    read_deltas(&mut reader, 2).await;

    let dropped_at = Instant::now();
    drop(reader);
    assert_dropped_after_grace(&fake, dropped_at).await;
    assert_no_live_turns(&app).await;
}

#[tokio::test]
async fn a_client_that_goes_away_before_the_first_token_leaves_the_turn_for_the_grace_period() {
    let fake = start_fake().await;
    let app = TestApp::with_fake_and(&fake, "fake-stall", &GRACE_ENV).await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-stall", "hello").await);
    started(&mut reader).await;
    upstream_open(&fake).await;

    let dropped_at = Instant::now();
    drop(reader);
    assert_dropped_after_grace(&fake, dropped_at).await;
    assert_no_live_turns(&app).await;
}
