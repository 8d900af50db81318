//! Live answers across replicas (issue 23): real `sluice` processes sharing one database (the
//! same data directory: one SQLite file, or one PostgreSQL database in the PostgreSQL pass) and
//! one Redis (`SLUICE_TEST_REDIS_URL`, from tools/with-redis.sh; a fresh key prefix per test),
//! streaming `openai/fake-slow` (one word per 50 ms) from the in-process fake upstream. A turn
//! started on replica A is read on replica B exactly (after any sequence number), stopped from
//! B, kept alive through the grace period by B's readers, taken over by B when A is killed
//! with SIGKILL, and ended `interrupted` for B's readers when A is stopped with SIGTERM.

use crate::support::replicas::{replicas, Read};
use sluice::conversation::MessageStatus;
use sluice::events::{ChatEvent, FinishReason};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_started_on_one_replica_is_read_exactly_and_stopped_from_another() {
    let Some(cluster) = replicas(2, &[]).await else {
        return;
    };
    let (mut on_a, ids, turn) = cluster.send(0).await;
    let mut a = Read::default();
    a.some(&mut on_a, 5).await;

    // A reload on the other replica resumes after what it had; a second tab reads it all.
    let mut b = Read::default();
    let mut resumed = cluster.resume(1, &turn, &ids, a.last_seq).await;
    let mut second_tab = Read::default();
    let mut from_start = cluster.resume(1, &turn, &ids, 0).await;
    let before_b = a.text.clone();
    b.last_seq = a.last_seq;
    b.some(&mut resumed, 3).await;
    second_tab.some(&mut from_start, 8).await;

    // Stop pressed where the turn is not owned reaches the owner and drops the upstream.
    let stopped_at = Instant::now();
    assert!(cluster.stop(1, &turn).await, "the turn is live on A");
    let record = cluster
        .fake
        .wait_for_disconnect(0, Duration::from_secs(5))
        .await
        .expect("the upstream never saw the disconnect");
    let took = stopped_at.elapsed();
    assert!(
        took < Duration::from_millis(300),
        "upstream dropped {took:?} after Stop"
    );
    assert!(!record.completed);

    a.rest(&mut on_a).await;
    b.rest(&mut resumed).await;
    second_tab.rest(&mut from_start).await;
    for (name, read) in [("A", &a), ("B resumed", &b), ("B from start", &second_tab)] {
        assert_eq!(
            read.finish(),
            Some(FinishReason::Stopped),
            "{name}: {read:?}"
        );
        assert_eq!(read.last_seq, a.last_seq, "{name} ended elsewhere");
    }
    assert_eq!(
        format!("{before_b}{}", b.text),
        a.text,
        "B's resume is exact"
    );
    assert_eq!(second_tab.text, a.text, "a second tab on B reads it all");
    assert!(a.text.starts_with("word1 word2 word3"), "{:?}", a.text);
    let stored = cluster.stored_answer(1, &ids).await;
    assert_eq!(stored, (MessageStatus::Stopped, a.text.clone()));
    // Stopping twice, anywhere, reports the turn as gone.
    assert!(!cluster.stop(1, &turn).await);
    assert!(!cluster.stop(0, &turn).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_on_another_replica_keep_the_turn_alive_through_the_grace_period() {
    let grace = Duration::from_secs(1);
    let Some(cluster) = replicas(2, &[("SLUICE_TURN_GRACE_SECS", "1")]).await else {
        return;
    };
    let (mut on_a, ids, turn) = cluster.send(0).await;
    let mut a = Read::default();
    a.some(&mut on_a, 2).await;
    let mut on_b = cluster.resume(1, &turn, &ids, 0).await;
    let mut b = Read::default();
    b.some(&mut on_b, 2).await;

    // The tab on the owner goes away; the reader on B keeps the answer streaming.
    drop(on_a);
    let reading = Instant::now();
    while reading.elapsed() < grace * 4 {
        b.some(&mut on_b, 1).await;
    }
    assert!(
        cluster.fake.records()[0].client_disconnected_ms.is_none(),
        "the answer was dropped while B had a reader"
    );

    // Once B's reader leaves too, the grace period runs out and the upstream is dropped.
    let left = Instant::now();
    drop(on_b);
    let record = cluster
        .fake
        .wait_for_disconnect(0, Duration::from_secs(20))
        .await
        .expect("the upstream was never dropped");
    let took = left.elapsed();
    assert!(!record.completed);
    assert!(took >= grace, "dropped {took:?} after the last reader left");
    // Presence counts for 6 s after its last message, then the grace period, then the next
    // write notices.
    assert!(
        took < Duration::from_secs(10),
        "dropped {took:?} after the last reader left"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, _) = cluster.stored_answer(1, &ids).await;
        if status == MessageStatus::Stopped {
            break;
        }
        assert!(Instant::now() < deadline, "still {status:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_owner_s_answer_is_stored_interrupted_by_another_replica_within_its_lease() {
    let lease = Duration::from_millis(1000);
    let Some(mut cluster) = replicas(2, &[("SLUICE_CLUSTER_LEASE_MS", "1000")]).await else {
        return;
    };
    let (mut on_a, ids, turn) = cluster.send(0).await;
    let mut a = Read::default();
    a.some(&mut on_a, 10).await;
    let mut on_b = cluster.resume(1, &turn, &ids, 0).await;
    let mut b = Read::default();
    b.some(&mut on_b, 10).await;

    let killed_at = cluster.servers[0].kill();
    // The owner's own reader just loses its connection (a browser would reconnect).
    drop(on_a);
    b.rest(&mut on_b).await;
    let took = killed_at.elapsed();
    assert_eq!(b.finish(), Some(FinishReason::Interrupted), "{b:?}");
    // The lease runs out, the next watch round (a quarter lease) notices, then one takeover.
    assert!(took < lease * 3, "closed {took:?} after the kill");
    // Nothing a reader saw is lost: the stored text is B's, which holds A's.
    assert!(b.text.starts_with(&a.text), "A saw more than Redis held");
    let stored = cluster.stored_answer(1, &ids).await;
    assert_eq!(stored, (MessageStatus::Interrupted, b.text.clone()));
    // A reader arriving now gets the stored answer.
    let mut late = cluster.resume(1, &turn, &ids, 0).await;
    match late.next_event().await {
        Some((_, ChatEvent::Stored { message })) => {
            assert_eq!(message.status, MessageStatus::Interrupted);
            assert_eq!(message.content, b.text);
        }
        other => panic!("expected the stored answer, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_stopped_with_sigterm_ends_its_answers_for_readers_on_other_replicas() {
    let Some(mut cluster) = replicas(2, &[("SLUICE_SHUTDOWN_DEADLINE_SECS", "0.5")]).await else {
        return;
    };
    let (mut on_a, ids, turn) = cluster.send(0).await;
    let mut a = Read::default();
    a.some(&mut on_a, 3).await;
    let mut on_b = cluster.resume(1, &turn, &ids, 0).await;
    let mut b = Read::default();
    b.some(&mut on_b, 3).await;

    cluster.servers[0].terminate();
    b.rest(&mut on_b).await;
    a.rest(&mut on_a).await;
    let status = cluster.servers[0]
        .wait_for_exit(Duration::from_secs(10))
        .await;
    assert!(
        status.success(),
        "the replica did not exit cleanly: {status}"
    );
    assert_eq!(b.finish(), Some(FinishReason::Interrupted), "{b:?}");
    assert_eq!(a.finish(), Some(FinishReason::Interrupted), "{a:?}");
    assert_eq!(b.text, a.text);
    let stored = cluster.stored_answer(1, &ids).await;
    assert_eq!(stored, (MessageStatus::Interrupted, b.text.clone()));
    // The surviving replica takes new answers.
    let (mut again, _, _) = cluster.send(1).await;
    Read::default().some(&mut again, 1).await;
}
