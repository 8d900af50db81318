//! Stop and a vanished client must drop the upstream request within 100 ms, asserted from
//! the fake upstream's own record of when its client hung up.

use crate::support::{start_fake, EventReader, TestApp};
use sluice::events::{ChatEvent, FinishReason};
use std::time::{Duration, Instant};

/// Longest accepted delay between the cause and the upstream connection closing.
const BUDGET: Duration = Duration::from_millis(100);

/// Reads until the `started` event and returns the turn id.
async fn started(reader: &mut EventReader) -> String {
    match reader.next_event().await {
        Some((1, ChatEvent::Started { turn_id, .. })) => turn_id,
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

#[tokio::test]
async fn stop_mid_stream_drops_the_upstream_within_100ms_and_ends_with_done_stopped() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-slow").await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-slow", "count").await);
    let turn_id = started(&mut reader).await;
    read_deltas(&mut reader, 3).await;

    let stopped_at = Instant::now();
    assert!(app.stop(&turn_id).await, "the turn should be live");
    let record = fake
        .wait_for_disconnect(0, Duration::from_secs(2))
        .await
        .expect("upstream never saw the disconnect");
    let elapsed = stopped_at.elapsed();
    assert!(elapsed < BUDGET, "upstream dropped after {elapsed:?}");
    assert!(
        !record.completed,
        "the fake must not have finished its script"
    );

    // The client still gets a proper ending.
    let mut last = None;
    while let Some((_, event)) = reader.next_event().await {
        last = Some(event);
    }
    match last {
        Some(ChatEvent::Done(stats)) => assert_eq!(stats.finish_reason, FinishReason::Stopped),
        other => panic!("expected done(stopped), got {other:?}"),
    }
    assert_eq!(
        app.state.turns.live_count(),
        0,
        "the stopped turn is unregistered"
    );
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
    // Make sure the upstream request is really open before stopping.
    let deadline = Instant::now() + Duration::from_secs(2);
    while fake.records().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        fake.records().len(),
        1,
        "the upstream request should be open"
    );

    let stopped_at = Instant::now();
    assert!(app.stop(&turn_id).await);
    let record = fake
        .wait_for_disconnect(0, Duration::from_secs(2))
        .await
        .expect("upstream never saw the disconnect");
    let elapsed = stopped_at.elapsed();
    assert!(elapsed < BUDGET, "upstream dropped after {elapsed:?}");
    assert!(
        record.first_byte_ms.is_none() || record.bytes_sent < 400,
        "no token was sent"
    );
}

#[tokio::test]
async fn a_client_that_goes_away_drops_the_upstream_within_100ms() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-slow").await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-slow", "count").await);
    started(&mut reader).await;
    read_deltas(&mut reader, 2).await;

    let dropped_at = Instant::now();
    drop(reader);
    let record = fake
        .wait_for_disconnect(0, Duration::from_secs(2))
        .await
        .expect("upstream never saw the disconnect");
    let elapsed = dropped_at.elapsed();
    assert!(elapsed < BUDGET, "upstream dropped after {elapsed:?}");
    assert!(!record.completed);
    let deadline = Instant::now() + Duration::from_secs(1);
    while app.state.turns.live_count() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        app.state.turns.live_count(),
        0,
        "the abandoned turn is unregistered"
    );
}

#[tokio::test]
async fn a_client_that_goes_away_before_the_first_token_drops_the_upstream() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-stall").await;
    let mut reader = EventReader::new(app.stream_chat("openai/fake-stall", "hello").await);
    started(&mut reader).await;
    let deadline = Instant::now() + Duration::from_secs(2);
    while fake.records().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let dropped_at = Instant::now();
    drop(reader);
    fake.wait_for_disconnect(0, Duration::from_secs(2))
        .await
        .expect("upstream never saw the disconnect");
    let elapsed = dropped_at.elapsed();
    assert!(elapsed < BUDGET, "upstream dropped after {elapsed:?}");
}
