//! Live answers across replicas (issue 23): real `sluice` processes sharing one database (the
//! same data directory: one SQLite file, or one PostgreSQL database in the PostgreSQL pass) and
//! one Redis (`SLUICE_TEST_REDIS_URL`, from tools/with-redis.sh; a fresh key prefix per test),
//! streaming `openai/fake-slow` (one word per 50 ms) from the in-process fake upstream. A turn
//! started on replica A is read on replica B exactly (after any sequence number), stopped from
//! B, kept alive through the grace period by B's readers, taken over by B when A is killed
//! with SIGKILL, and ended `interrupted` for B's readers when A is stopped with SIGTERM.

use crate::support::server_process::{load, local_client, ServerProcess};
use crate::support::{start_fake, EventReader, TempDir};
use serde_json::json;
use sluice::conversation::MessageStatus;
use sluice::events::{ChatEvent, FinishReason, StoredTurn};
use sluice_fake_upstream::FakeUpstreamHandle;
use std::time::{Duration, Instant};

/// The test Redis, or `None` (with a message) to skip; under `CI=true` a missing one fails.
fn test_redis() -> Option<String> {
    match std::env::var("SLUICE_TEST_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "SLUICE_TEST_REDIS_URL is unset under CI=true: run through tools/with-redis.sh"
            );
            eprintln!("skipped: SLUICE_TEST_REDIS_URL is unset (run through tools/with-redis.sh)");
            None
        }
    }
}

/// Replicas sharing one data directory (so one database) and one Redis.
struct Replicas {
    /// The shared data directory.
    _data: TempDir,
    /// The fake upstream every replica streams from.
    fake: FakeUpstreamHandle,
    /// The processes, `r0`, `r1`, ….
    servers: Vec<ServerProcess>,
    /// A client for all of them.
    client: reqwest::Client,
}

/// Starts `count` replicas with `extra` settings (`None` without a test Redis).
async fn replicas(count: usize, extra: &[(&str, &str)]) -> Option<Replicas> {
    let redis = test_redis()?;
    let prefix = format!("sluice-test-{:016x}", rand::random::<u64>());
    let fake = start_fake().await;
    let data = TempDir::new("cluster");
    let client = local_client();
    let mut servers = Vec::new();
    for n in 0..count {
        let id = format!("r{n}");
        let mut env = vec![
            ("SLUICE_REDIS_URL", redis.as_str()),
            ("SLUICE_REDIS_KEY_PREFIX", prefix.as_str()),
            ("SLUICE_REPLICA_ID", id.as_str()),
            ("RUST_LOG", "info"),
        ];
        env.extend_from_slice(extra);
        let mut server = ServerProcess::start_with(&data.path, &fake.base_url(), &id, &env).await;
        server.wait_until_serving(&client).await;
        servers.push(server);
    }
    Some(Replicas {
        _data: data,
        fake,
        servers,
        client,
    })
}

impl Replicas {
    /// Starts a stored answer on replica `n`; its reader and ids.
    async fn send(&self, n: usize) -> (EventReader, StoredTurn, String) {
        let response = self
            .client
            .post(self.servers[n].url("/api/chat/stream"))
            .json(&json!({
                "model": "openai/fake-slow",
                "action": {"type": "send", "content": "Count slowly."},
            }))
            .send()
            .await
            .expect("stream request");
        assert_eq!(response.status(), 200, "send refused");
        let mut reader = EventReader::new(response);
        match reader.next_event().await {
            Some((
                1,
                ChatEvent::Started {
                    turn_id,
                    stored: Some(stored),
                    ..
                },
            )) => (reader, stored, turn_id.into()),
            other => panic!("expected `started` with stored ids, got {other:?}"),
        }
    }

    /// Resumes turn `turn` (writing `ids`' answer) on replica `n` after `after`.
    async fn resume(&self, n: usize, turn: &str, ids: &StoredTurn, after: u64) -> EventReader {
        let response = self
            .client
            .post(self.servers[n].url("/api/chat/resume"))
            .json(&json!({"turn_id": turn, "answer_id": ids.answer_id, "after": after}))
            .send()
            .await
            .expect("resume request");
        assert_eq!(response.status(), 200, "resume refused");
        EventReader::new(response)
    }

    /// Presses Stop for `turn` on replica `n`; whether the turn was live.
    async fn stop(&self, n: usize, turn: &str) -> bool {
        let response = self
            .client
            .post(self.servers[n].url("/api/chat/stop"))
            .json(&json!({ "turn_id": turn }))
            .send()
            .await
            .expect("stop request");
        assert_eq!(response.status(), 200, "stop refused");
        response.json().await.expect("a boolean")
    }

    /// The stored answer of `ids`, read through replica `n`.
    async fn stored_answer(&self, n: usize, ids: &StoredTurn) -> (MessageStatus, String) {
        let tree = load(&self.client, &self.servers[n], &ids.conversation_id).await;
        let answer = tree
            .messages
            .iter()
            .find(|m| m.id == ids.answer_id)
            .expect("the answer is stored");
        (answer.status, answer.content.clone())
    }
}

/// What a reader got: the text, the last sequence number and the terminal event.
#[derive(Debug, Default)]
struct Read {
    /// Every delta's text, in order.
    text: String,
    /// The last sequence number received.
    last_seq: u64,
    /// The `done`/`error` event, once received.
    end: Option<ChatEvent>,
}

impl Read {
    /// Applies one event.
    fn apply(&mut self, seq: u64, event: ChatEvent) {
        assert!(
            seq > self.last_seq,
            "sequence went backwards: {seq} after {}",
            self.last_seq
        );
        self.last_seq = seq;
        match event {
            ChatEvent::Delta { text } => self.text.push_str(&text),
            event if event.is_terminal() => self.end = Some(event),
            _ => {}
        }
    }

    /// Reads `reader` until it has `words` more deltas.
    async fn some(&mut self, reader: &mut EventReader, words: usize) {
        let mut seen = 0;
        while seen < words {
            let Some((seq, event)) = reader.next_event().await else {
                panic!("the stream ended early: {self:?}");
            };
            seen += usize::from(matches!(event, ChatEvent::Delta { .. }));
            self.apply(seq, event);
        }
    }

    /// Reads `reader` to its end.
    async fn rest(&mut self, reader: &mut EventReader) {
        while let Some((seq, event)) = reader.next_event().await {
            self.apply(seq, event);
        }
    }

    /// The finish reason of the `done` event.
    fn finish(&self) -> Option<FinishReason> {
        match &self.end {
            Some(ChatEvent::Done(done)) => Some(done.finish_reason.clone()),
            _ => None,
        }
    }
}

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
