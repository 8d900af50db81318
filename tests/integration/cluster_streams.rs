//! Concurrent-stream slots shared by replicas through Redis (`[cluster] redis_url`, issue 23):
//! through two `TestApp`s sharing one Redis (`SLUICE_TEST_REDIS_URL`, see `cluster_limits`),
//! and through `StreamSlots` directly for the slot's lifecycle: freed at once when dropped,
//! kept alive by its renewal, and expiring when its replica died without cleaning up.

use crate::cluster_limits::assert_too_many;
use crate::support::test_redis::{fresh_prefix, test_redis};
use crate::support::{start_fake, EventReader, TestApp};
use sluice::events::ChatEvent;
use sluice::server::limits::shared_bucket::SharedLimits;
use sluice::server::limits::shared_slots::SharedSlots;
use sluice::server::limits::stream_slots::StreamSlots;
use sluice::store::UserId;
use std::time::{Duration, Instant};

/// A connection to the test Redis for looking at what the replicas wrote.
async fn redis_connection(redis: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis)
        .expect("client")
        .get_multiplexed_async_connection()
        .await
        .expect("connect")
}

#[tokio::test]
async fn concurrent_streams_hold_across_two_replicas() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let fake = start_fake().await;
    let settings = [
        ("SLUICE_REDIS_URL", redis.as_str()),
        ("SLUICE_REDIS_KEY_PREFIX", prefix.as_str()),
        ("SLUICE_CONCURRENT_STREAMS", "1"),
        ("SLUICE_TURN_GRACE_SECS", "1"),
    ];
    let a = TestApp::with_fake_and(&fake, "fake-slow", &settings).await;
    let b = TestApp::with_fake_and(&fake, "fake-slow", &settings).await;

    let first = a.start_new_chat("openai/fake-slow", "a long answer").await;
    assert_eq!(first.status(), 200);
    let mut reader = EventReader::new(first);
    assert!(matches!(
        reader.next_event().await,
        Some((1, ChatEvent::Started { .. }))
    ));
    let refused = b.stream_chat("openai/fake-slow", "a second one").await;
    assert_too_many(refused, "You already have 1 answer streaming", 5..=5).await;
    for app in [&a, &b] {
        let live = app.state.limits.live_streams(UserId::LOCAL).await;
        assert_eq!(live.expect("Redis answers"), 1, "counted on every replica");
    }

    // The reader leaves: after the grace period the answer ends on A and B admits one.
    drop(reader);
    let deadline = Instant::now() + Duration::from_secs(10);
    let admitted = loop {
        let response = b.stream_chat("openai/fake-slow", "now there is room").await;
        if response.status() == 200 || Instant::now() > deadline {
            break response;
        }
        assert_eq!(response.status(), 429);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(admitted.status(), 200, "B admits once A's answer ended");
    drop(admitted);
}

#[tokio::test]
async fn a_dropped_slot_frees_at_once_and_a_live_one_is_renewed() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let shared = SharedLimits::new(&redis, &prefix);
    let user = UserId(42);
    // Replica A renews its slots every 0.2 s with a lease of 0.6 s; B uses the standard lease.
    let a = StreamSlots::new(1).in_redis(Some(
        SharedSlots::new(&shared)
            .with_lease(Duration::from_millis(600), Duration::from_millis(200)),
    ));
    let b = StreamSlots::new(1).in_redis(Some(SharedSlots::new(&shared)));

    let slot = a.try_acquire(user).await.expect("Redis").expect("free");
    // Three leases later the slot still counts: its renewal kept it.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert!(b.try_acquire(user).await.expect("Redis").is_none());
    assert!(
        b.try_acquire(UserId(43)).await.expect("Redis").is_some(),
        "per user"
    );

    // Dropped: B gets it back at once, long before any lease would run out.
    let held = b.try_acquire(user).await.expect("Redis");
    assert!(held.is_none());
    drop(slot);
    let deadline = Instant::now() + Duration::from_millis(300);
    let mut taken = None;
    while taken.is_none() && Instant::now() < deadline {
        taken = b.try_acquire(user).await.expect("Redis");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let taken = taken.expect("freed by the drop");
    assert_eq!(b.live(user).await.expect("Redis"), 1);
    drop(taken);
}

#[tokio::test]
async fn the_slot_of_a_killed_replica_expires_with_its_lease() {
    let Some(redis) = test_redis() else { return };
    let prefix = fresh_prefix();
    let shared = SharedLimits::new(&redis, &prefix);
    let slots = StreamSlots::new(1).in_redis(Some(SharedSlots::new(&shared)));
    let user = UserId(7);

    // A replica killed with -9 renewed its slot last almost a lease ago: 0.8 s are left.
    let mut connection = redis_connection(&redis).await;
    let (secs, micros): (u64, u64) = redis::cmd("TIME")
        .query_async(&mut connection)
        .await
        .expect("TIME");
    let expires_ms = secs * 1000 + micros / 1000 + 800;
    let key = format!("{prefix}:streams:{}", user.0);
    let _: i64 = redis::cmd("ZADD")
        .arg(&key)
        .arg(expires_ms)
        .arg("slot-of-a-killed-replica")
        .query_async(&mut connection)
        .await
        .expect("ZADD");

    assert!(slots.try_acquire(user).await.expect("Redis").is_none());
    tokio::time::sleep(Duration::from_millis(900)).await;
    let slot = slots
        .try_acquire(user)
        .await
        .expect("Redis")
        .expect("the dead replica's slot expired");
    // The set lives as long as its newest slot's lease, then vanishes with it.
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut connection)
        .await
        .expect("PTTL");
    assert!((1..=30_000).contains(&ttl), "{key} expires: {ttl} ms");
    drop(slot);
}
