//! The owner's side of a live turn on a cluster: the turn's task hands every event to the
//! relay, which appends them in batches to the turn's Redis Stream — at most one `XADD` per
//! [`BATCH_GAP`] while text flows, the first event after a quiet spell and the terminal one at
//! once — and only then publishes them to the local log. So a reader anywhere, on this replica
//! or another, never sees an event Redis does not hold, and a replica taking over a dead owner's
//! answer stores at least what every reader saw.
//!
//! The first batch also writes the turn's directory entry; the batch holding the terminal
//! event removes it and lets the stream expire [`STREAM_LINGER_SECS`] later, each batch in one
//! round trip. When Redis fails, the batch is published locally anyway (readers here keep
//! going; the turn finishes) and the next batch rewrites the whole stream and the directory
//! entry, so a Redis that lost everything (restarted without persistence) is whole again.

use super::directory::{add_registration, add_removal, TurnRecord};
use super::entry;
use super::Cluster;
use crate::events::ChatEvent;
use crate::server::turn::live::LiveTurn;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Shortest time between two batches of one turn: at most ~7 `XADD`s per answer-second, and
/// what a reader waits at most for an event beyond Redis's round trip (75 ms on average),
/// which the page's pacing smooths.
pub const BATCH_GAP: Duration = Duration::from_millis(150);

/// How long a finished turn's stream is kept for readers still catching up (the answer is
/// stored before its terminal event is relayed; later readers read it from the database).
pub const STREAM_LINGER_SECS: u64 = 120;

/// Relays one owned turn's events through Redis.
pub struct Relay {
    /// Where to write.
    cluster: Cluster,
    /// The local turn, published to after each batch.
    turn: Arc<LiveTurn>,
    /// The directory entry.
    record: TurnRecord,
    /// Events handed over and not yet written.
    pending: Vec<(u64, ChatEvent)>,
    /// When the last batch was written, for [`BATCH_GAP`].
    last_batch: Option<Instant>,
    /// True while Redis holds the directory entry and every event published locally; false
    /// at first and after a failed batch: the next batch then rewrites everything.
    in_sync: bool,
    /// True once a batch failed: the stream may hold part of the events, so the rewrite
    /// deletes it first (a first batch has nothing to delete).
    failed_once: bool,
}

impl Relay {
    /// A relay for `turn`, owned by this process.
    pub fn new(cluster: Cluster, turn: Arc<LiveTurn>) -> Self {
        let record = TurnRecord {
            user: turn.owner,
            answer: turn.answer_id.clone(),
            owner: cluster.instance().to_string(),
        };
        Self {
            cluster,
            turn,
            record,
            pending: Vec::new(),
            last_batch: None,
            in_sync: false,
            failed_once: false,
        }
    }

    /// Takes event `seq` for the next batch.
    pub fn push(&mut self, seq: u64, event: ChatEvent) {
        self.pending.push((seq, event));
    }

    /// When the next batch is due (`None`: nothing pending). The terminal event, and the first
    /// event after a quiet spell, are due at once.
    pub fn due_at(&self) -> Option<Instant> {
        let (_, last) = self.pending.last()?;
        let now = Instant::now();
        if last.is_terminal() {
            return Some(now);
        }
        Some(self.last_batch.map_or(now, |at| (at + BATCH_GAP).max(now)))
    }

    /// Writes the pending events as one entry (with the directory entry when out of sync, and
    /// its removal after the terminal event), then publishes them locally — also when Redis
    /// failed, so this replica's readers never wait on Redis.
    pub async fn write_batch(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let ends = pending.last().is_some_and(|(_, event)| event.is_terminal());
        let turn_id: &str = &self.turn.id;
        let resync = !self.in_sync;
        let mut events = if resync {
            self.turn.events_after(0)
        } else {
            Vec::new()
        };
        events.extend(pending.iter().cloned());
        let mut pipeline = redis::pipe();
        // One round trip. Only a rewrite must be all or nothing (a stream deleted and not
        // written again would lose events); a registration or a removal half done is harmless:
        // a stream without its directory entry is never found, and a directory entry whose
        // turn ended is removed by the owner's next lease round (`instance`).
        if resync && self.failed_once {
            pipeline.atomic();
            pipeline
                .cmd("DEL")
                .arg(self.cluster.keys().events(turn_id))
                .ignore();
        }
        if resync {
            add_registration(&mut pipeline, &self.cluster, turn_id, &self.record);
        }
        entry::add_append(&mut pipeline, self.cluster.keys().events(turn_id), &events);
        if ends {
            add_removal(
                &mut pipeline,
                &self.cluster,
                turn_id,
                &self.record,
                STREAM_LINGER_SECS,
            );
        }
        self.in_sync = self
            .cluster
            .run_pipeline::<()>("relaying a live answer", &pipeline)
            .await
            .is_ok();
        self.failed_once |= !self.in_sync;
        self.last_batch = Some(Instant::now());
        for (seq, event) in pending {
            self.turn.publish(seq, event);
        }
    }
}
