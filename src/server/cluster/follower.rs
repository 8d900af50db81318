//! Readers on a replica that does not own the turn: the turn is copied into a local
//! [`LiveTurn`] (a *follower copy*) fed from its Redis Stream, and readers subscribe to that
//! copy exactly as to a turn of their own — resume after any sequence number, merged catch-up,
//! keep-alives, the readers-per-turn cap (per replica) — so one code path serves both.
//!
//! A copy starts with the whole stream (`XRANGE`), then one task per process reads every copy's
//! new entries with one blocking `XREAD` over all followed streams on a dedicated connection
//! ([`read_loop`]), so following costs one command per batch whatever the number of turns. A
//! copy's keeper tells the owner every [`PRESENCE_EVERY`] that readers are here (see
//! `control`), and drops the copy once it has had no reader for [`LINGER`]. A stream that
//! stays quiet is checked: when its turn left the directory without a terminal event (its
//! owner lost Redis), the copy lets its readers go, and their browsers reconnect and find the
//! stored answer.

use super::control::{self, Message};
use super::directory::TurnRecord;
use super::entry::{self, RawEntries};
use super::{Cluster, Unreachable, COMMAND_TIMEOUT};
use crate::ids::TurnId;
use crate::server::turn::live::LiveTurn;
use redis::AsyncConnectionConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// How often a copy with readers tells the owner so.
pub const PRESENCE_EVERY: Duration = Duration::from_secs(2);

/// How long a copy without readers is kept (a reload comes back within it).
const LINGER: Duration = Duration::from_secs(10);

/// How long one `XREAD` blocks: also how long a new copy may wait to join the read loop.
const BLOCK: Duration = Duration::from_millis(250);

/// A stream quiet this long is checked against the directory.
const QUIET_CHECK: Duration = Duration::from_secs(5);

/// Entries read per stream per `XREAD`.
const READ_COUNT: usize = 64;

/// Pause after a read that brought entries, so the next one gathers the batches of many
/// turns at once (each turn writes one every `relay::BATCH_GAP`): fewer commands when many
/// turns are followed, for a few milliseconds of a reader's latency.
const GATHER: Duration = Duration::from_millis(25);

/// The follower copies of this process.
#[derive(Default)]
pub struct Followers {
    /// The copies and what the read loop follows.
    state: Mutex<FollowState>,
    /// Wakes the read loop when it has nothing to follow and a copy is added.
    added: Notify,
}

/// The mutable part of [`Followers`].
#[derive(Default)]
struct FollowState {
    /// Copies by turn id, with or without readers.
    copies: HashMap<TurnId, Arc<LiveTurn>>,
    /// The streams the read loop follows, by stream key: copies whose turn has not ended.
    reading: HashMap<String, Reading>,
}

/// One stream the read loop follows.
struct Reading {
    /// The copy fed.
    copy: Arc<LiveTurn>,
    /// The id of the last entry read, where the next read continues.
    last_id: String,
    /// When the stream last had news (or was last checked), for [`QUIET_CHECK`].
    quiet_since: Instant,
}

impl Followers {
    /// The state, even if a panicking holder poisoned the lock.
    fn lock(&self) -> MutexGuard<'_, FollowState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lets every copy's readers go (shutdown): their browsers reconnect elsewhere.
    pub fn detach_all(&self) {
        let mut state = self.lock();
        state.reading.clear();
        for (_, copy) in state.copies.drain() {
            copy.detach_readers();
        }
    }

    /// How many copies this process holds.
    pub fn count(&self) -> usize {
        self.lock().copies.len()
    }
}

impl Cluster {
    /// The local copy of turn `turn` of `record` (owned by another instance), made and filled
    /// from the stream if there is none yet.
    pub async fn follow(
        &self,
        turn: &TurnId,
        record: &TurnRecord,
    ) -> Result<Arc<LiveTurn>, Unreachable> {
        let followers = &self.inner.followers;
        let copy = {
            let mut state = followers.lock();
            if let Some(copy) = state.copies.get(turn) {
                return Ok(Arc::clone(copy));
            }
            let copy = Arc::new(LiveTurn::new(
                turn.clone(),
                record.user,
                record.answer.clone(),
            ));
            state.copies.insert(turn.clone(), Arc::clone(&copy));
            copy
        };
        let key = self.keys().events(turn);
        let entries: RawEntries = match self
            .run(
                "following a live answer",
                redis::cmd("XRANGE").arg(&key).arg("-").arg("+"),
            )
            .await
        {
            Ok(entries) => entries,
            Err(error) => {
                followers.lock().copies.remove(turn);
                return Err(error);
            }
        };
        let last_id = apply(&copy, &entries).unwrap_or_else(|| "0-0".to_string());
        if !copy.ended() {
            followers.lock().reading.insert(
                key,
                Reading {
                    copy: Arc::clone(&copy),
                    last_id,
                    quiet_since: Instant::now(),
                },
            );
            followers.added.notify_one();
        }
        tokio::spawn(keep(self.clone(), Arc::clone(&copy), record.owner.clone()));
        Ok(copy)
    }
}

/// Publishes `entries` into `copy` (events it has are skipped); returns the last entry's id.
fn apply(copy: &LiveTurn, entries: &RawEntries) -> Option<String> {
    for (_, fields) in entries {
        for (seq, event) in entry::decode(fields).unwrap_or_default() {
            copy.publish(seq, event);
        }
    }
    entries.last().map(|(id, _)| id.clone())
}

/// Tells the owner about this copy's readers while it has some, and drops the copy once it has
/// had none for [`LINGER`].
async fn keep(cluster: Cluster, copy: Arc<LiveTurn>, owner: String) {
    let mut readers = copy.readers_watch();
    let stopped = cluster.inner.stopped.clone();
    loop {
        let attached = *readers.borrow_and_update();
        if attached > 0 {
            if !copy.ended() {
                let message = Message::Presence {
                    user: copy.owner,
                    turn: copy.id.clone(),
                };
                // Best effort: a lost message is made up for by the next one.
                let _ = control::send(&cluster, &owner, &message).await;
            }
            tokio::select! {
                () = tokio::time::sleep(PRESENCE_EVERY) => {}
                changed = readers.changed() => if changed.is_err() { break },
                () = stopped.cancelled() => break,
            }
        } else {
            tokio::select! {
                () = tokio::time::sleep(LINGER) => break,
                changed = readers.changed() => if changed.is_err() { break },
                () = stopped.cancelled() => break,
            }
        }
    }
    let followers = &cluster.inner.followers;
    {
        let mut state = followers.lock();
        state.copies.remove(&copy.id);
        state.reading.remove(&cluster.keys().events(&copy.id));
    }
    // A reader that attached just now reads a copy nobody feeds any more: let it reconnect.
    if copy.reader_count() > 0 && !copy.ended() {
        copy.detach_readers();
    }
}

/// The read loop of every copy of this process: one blocking `XREAD` over all followed
/// streams at a time, on its own connection (a blocking command would stall the shared one).
pub async fn read_loop(cluster: Cluster) {
    let stopped = cluster.inner.stopped.clone();
    let mut connection = None;
    loop {
        if stopped.is_cancelled() {
            return;
        }
        let follows: Vec<(String, String)> = {
            let state = cluster.inner.followers.lock();
            state
                .reading
                .iter()
                .map(|(key, reading)| (key.clone(), reading.last_id.clone()))
                .collect()
        };
        if follows.is_empty() {
            tokio::select! {
                () = cluster.inner.followers.added.notified() => continue,
                () = stopped.cancelled() => return,
            }
        }
        let mut reader = match connection.take() {
            Some(reader) => reader,
            None => match open_reader(&cluster).await {
                Ok(reader) => reader,
                Err(reason) => {
                    cluster.warn_unreachable("following live answers", &reason);
                    pause(&stopped).await;
                    continue;
                }
            },
        };
        let mut command = redis::cmd("XREAD");
        command
            .arg("COUNT")
            .arg(READ_COUNT)
            .arg("BLOCK")
            .arg(BLOCK.as_millis() as u64)
            .arg("STREAMS");
        for (key, _) in &follows {
            command.arg(key);
        }
        for (_, id) in &follows {
            command.arg(id);
        }
        let read = tokio::select! {
            read = command.query_async::<Option<Vec<(String, RawEntries)>>>(&mut reader) => read,
            () = stopped.cancelled() => return,
        };
        match read {
            Ok(streams) => {
                connection = Some(reader);
                let news = streams.as_ref().is_some_and(|streams| !streams.is_empty());
                deliver(&cluster, streams.unwrap_or_default());
                check_quiet(&cluster).await;
                if news {
                    tokio::time::sleep(GATHER).await;
                }
            }
            Err(error) => {
                cluster.warn_unreachable("following live answers", &format!("{:?}", error.kind()));
                pause(&stopped).await;
            }
        }
    }
}

/// A dedicated connection for blocking reads.
async fn open_reader(cluster: &Cluster) -> Result<redis::aio::MultiplexedConnection, String> {
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(COMMAND_TIMEOUT))
        .set_response_timeout(Some(BLOCK + COMMAND_TIMEOUT));
    cluster
        .inner
        .client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .map_err(|e| format!("{:?}", e.kind()))
}

/// Waits a little before trying Redis again.
async fn pause(stopped: &tokio_util::sync::CancellationToken) {
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(500)) => {}
        () = stopped.cancelled() => {}
    }
}

/// Publishes what one `XREAD` returned into the copies; a copy whose turn ended leaves the
/// loop. A stream that skipped events (rewritten after a Redis outage) is read again from its
/// start.
fn deliver(cluster: &Cluster, streams: Vec<(String, RawEntries)>) {
    let mut state = cluster.inner.followers.lock();
    for (key, entries) in streams {
        let Some(reading) = state.reading.get_mut(&key) else {
            continue;
        };
        let before = reading.copy.last_seq();
        let gap = entries
            .iter()
            .filter_map(|(_, fields)| entry::decode(fields))
            .filter_map(|batch| batch.first().map(|(seq, _)| *seq))
            .next()
            .is_some_and(|first| first > before + 1);
        if gap {
            reading.last_id = "0-0".to_string();
            continue;
        }
        if let Some(last) = apply(&reading.copy, &entries) {
            reading.last_id = last;
        }
        reading.quiet_since = Instant::now();
        if reading.copy.ended() {
            state.reading.remove(&key);
        }
    }
}

/// Checks the streams quiet for [`QUIET_CHECK`]: a turn that left the directory without a
/// terminal event lets its copy's readers go.
async fn check_quiet(cluster: &Cluster) {
    let quiet: Vec<(String, Arc<LiveTurn>)> = {
        let mut state = cluster.inner.followers.lock();
        let now = Instant::now();
        state
            .reading
            .iter_mut()
            .filter(|(_, reading)| now.duration_since(reading.quiet_since) >= QUIET_CHECK)
            .map(|(key, reading)| {
                reading.quiet_since = now;
                (key.clone(), Arc::clone(&reading.copy))
            })
            .collect()
    };
    for (key, copy) in quiet {
        let Ok(live) = cluster
            .run::<bool>(
                "following a live answer",
                redis::cmd("EXISTS").arg(cluster.keys().turn(&copy.id)),
            )
            .await
        else {
            continue;
        };
        if !live {
            // One last look: the terminal event may have come with the removal.
            if let Ok(entries) = cluster
                .run::<RawEntries>(
                    "following a live answer",
                    redis::cmd("XRANGE").arg(&key).arg("-").arg("+"),
                )
                .await
            {
                apply(&copy, &entries);
            }
            let mut state = cluster.inner.followers.lock();
            state.reading.remove(&key);
            state.copies.remove(&copy.id);
            if !copy.ended() {
                copy.detach_readers();
            }
        }
    }
}
