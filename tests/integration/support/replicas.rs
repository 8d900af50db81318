//! Replicas for the cluster tests (issue 23): real `sluice` processes sharing one data
//! directory (so one database: one SQLite file, or one PostgreSQL database in the PostgreSQL
//! pass) and one Redis under a fresh key prefix, streaming `openai/fake-slow` (one word per
//! 50 ms) from an in-process fake upstream; and [`Read`], what one reader of a turn received.

use crate::support::server_process::{load, local_client, ServerProcess};
use crate::support::test_redis::{fresh_prefix, test_redis};
use crate::support::{start_fake, EventReader, TempDir};
use serde_json::json;
use sluice::conversation::MessageStatus;
use sluice::events::{ChatEvent, FinishReason, StoredTurn};
use sluice_fake_upstream::FakeUpstreamHandle;

/// Replicas sharing one data directory (so one database) and one Redis.
pub struct Replicas {
    /// The shared data directory.
    _data: TempDir,
    /// The fake upstream every replica streams from.
    pub fake: FakeUpstreamHandle,
    /// The processes, `r0`, `r1`, ….
    pub servers: Vec<ServerProcess>,
    /// A client for all of them.
    pub client: reqwest::Client,
}

/// Starts `count` replicas with `extra` settings (`None` without a test Redis).
pub async fn replicas(count: usize, extra: &[(&str, &str)]) -> Option<Replicas> {
    Some(replicas_on(&test_redis()?, count, extra).await)
}

/// Starts `count` replicas sharing the Redis at `redis`, with `extra` settings.
pub async fn replicas_on(redis: &str, count: usize, extra: &[(&str, &str)]) -> Replicas {
    let prefix = fresh_prefix();
    let fake = start_fake().await;
    let data = TempDir::new("cluster");
    let client = local_client();
    let mut servers = Vec::new();
    for n in 0..count {
        let id = format!("r{n}");
        let mut env = vec![
            ("SLUICE_REDIS_URL", redis),
            ("SLUICE_REDIS_KEY_PREFIX", prefix.as_str()),
            ("SLUICE_REPLICA_ID", id.as_str()),
            ("RUST_LOG", "info"),
        ];
        env.extend_from_slice(extra);
        let mut server = ServerProcess::start_with(&data.path, &fake.base_url(), &id, &env).await;
        server.wait_until_serving(&client).await;
        servers.push(server);
    }
    Replicas {
        _data: data,
        fake,
        servers,
        client,
    }
}

impl Replicas {
    /// Asks replica `n` for a stored answer to `content` in a new conversation.
    pub async fn try_send(&self, n: usize, content: &str) -> reqwest::Response {
        self.client
            .post(self.servers[n].url("/api/chat/stream"))
            .json(&json!({
                "model": "openai/fake-slow",
                "action": {"type": "send", "content": content},
            }))
            .send()
            .await
            .expect("stream request")
    }

    /// Starts a stored answer on replica `n`; its reader and ids.
    pub async fn send(&self, n: usize) -> (EventReader, StoredTurn, String) {
        let response = self.try_send(n, "Count slowly.").await;
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
    pub async fn resume(&self, n: usize, turn: &str, ids: &StoredTurn, after: u64) -> EventReader {
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
    pub async fn stop(&self, n: usize, turn: &str) -> bool {
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
    pub async fn stored_answer(&self, n: usize, ids: &StoredTurn) -> (MessageStatus, String) {
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
pub struct Read {
    /// Every delta's text, in order.
    pub text: String,
    /// The last sequence number received.
    pub last_seq: u64,
    /// The `done`/`error` event, once received.
    pub end: Option<ChatEvent>,
    /// The turn, from the `started` event.
    pub turn_id: Option<String>,
}

impl Read {
    /// Applies one event.
    pub fn apply(&mut self, seq: u64, event: ChatEvent) {
        assert!(
            seq > self.last_seq,
            "sequence went backwards: {seq} after {}",
            self.last_seq
        );
        self.last_seq = seq;
        match event {
            ChatEvent::Delta { text } => self.text.push_str(&text),
            ChatEvent::Started { turn_id, .. } => self.turn_id = Some(turn_id.into()),
            event if event.is_terminal() => self.end = Some(event),
            _ => {}
        }
    }

    /// Reads `reader` until it has `words` more deltas.
    pub async fn some(&mut self, reader: &mut EventReader, words: usize) {
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
    pub async fn rest(&mut self, reader: &mut EventReader) {
        while let Some((seq, event)) = reader.next_event().await {
            self.apply(seq, event);
        }
    }

    /// The finish reason of the `done` event.
    pub fn finish(&self) -> Option<FinishReason> {
        match &self.end {
            Some(ChatEvent::Done(done)) => Some(done.finish_reason.clone()),
            _ => None,
        }
    }
}
