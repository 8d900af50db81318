//! One live turn as its readers see it: the event log, who may read it, how it is cancelled,
//! and [`LiveTurn::subscribe`], the stream one reader (an SSE response) follows.
//!
//! Readers pull from the one shared [`TurnLog`] at their own pace, woken by a `watch` of the
//! last sequence number: the turn never waits for a reader and holds no per-reader queue, so a
//! slow reader costs its cursor and nothing else, and catches up with merged deltas.
//!
//! A reader may ask for a minimum gap between its frames ([`LiveTurn::subscribe_merged`]): it
//! then waits out the gap after each frame before it reads the log again, so the deltas
//! published meanwhile reach it as one merged delta (carrying the last one's sequence number).
//! The browser asks for this: one frame per ~40 ms instead of one per token saves it a task per
//! token, and its pacing smooths the bursts anyway. Other readers get every event as it comes.

use crate::codec::StreamItem;
use crate::events::ChatEvent;
use crate::ids::{MessageId, TurnId};
use crate::server::turn::log::TurnLog;
use crate::store::UserId;
use futures::{stream, Stream};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Events a reader copies out of the log at a time (each at most
/// [`MAX_MERGED_BYTES`](crate::server::turn::log::MAX_MERGED_BYTES) of text): what bounds a
/// reader's own buffer, however far behind it is.
const READ_BATCH_ITEMS: usize = 4;

/// Longest gap between frames a reader may ask for: the delay it adds stays well under what
/// a reader notices.
pub const MAX_MERGE_GAP: Duration = Duration::from_millis(100);

/// Why a turn was cancelled; the first reason given wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelReason {
    /// Someone pressed Stop (in any tab).
    Stop,
    /// Every reader left and none came back within the grace period.
    Abandoned,
    /// The server is shutting down and the turn outlived the shutdown deadline.
    Shutdown,
}

/// A turn being generated, shared by the task that drives it and every reader.
pub struct LiveTurn {
    /// The turn's id (a UUID), named by `resume` requests and Stop.
    pub id: TurnId,
    /// The user whose turn it is; nobody else can read or stop it.
    pub owner: UserId,
    /// The stored answer it writes, so a reloaded page can find the turn from the message.
    pub answer_id: Option<MessageId>,
    /// Every event so far.
    log: Mutex<TurnLog>,
    /// Sequence number of the last event, watched by readers waiting for more.
    last_seq: watch::Sender<u64>,
    /// How many readers are attached, watched by the grace-period timer.
    readers: watch::Sender<usize>,
    /// Fires on Stop, abandonment or shutdown; the driver drops the upstream request then.
    cancel: CancellationToken,
    /// Why `cancel` fired.
    reason: Mutex<Option<CancelReason>>,
    /// Until when readers on other replicas are known to follow the turn (their replica says
    /// so every few seconds, `server::cluster::presence`), so the grace period counts them.
    remote_readers_until: watch::Sender<Option<tokio::time::Instant>>,
    /// Fires when readers must let go without a terminal event (a copy of a turn on another
    /// replica that can no longer be followed): each reader's stream ends and its browser
    /// reconnects, landing wherever the turn can be read.
    detached: CancellationToken,
}

impl LiveTurn {
    /// A new turn with an empty log.
    pub fn new(id: TurnId, owner: UserId, answer_id: Option<MessageId>) -> Self {
        Self {
            id,
            owner,
            answer_id,
            log: Mutex::new(TurnLog::new()),
            last_seq: watch::Sender::new(0),
            readers: watch::Sender::new(0),
            cancel: CancellationToken::new(),
            reason: Mutex::new(None),
            remote_readers_until: watch::Sender::new(None),
            detached: CancellationToken::new(),
        }
    }

    /// The log, even if a panicking holder poisoned the lock (the log stays consistent: every
    /// change is a single push).
    fn log(&self) -> MutexGuard<'_, TurnLog> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends event `seq` and wakes the readers.
    pub fn publish(&self, seq: u64, event: ChatEvent) {
        let last = {
            let mut log = self.log();
            log.append(seq, event);
            log.last_seq()
        };
        self.last_seq.send_replace(last);
    }

    /// Every event after `after`, one by one (deltas not merged), for the copy in Redis.
    pub fn events_after(&self, after: u64) -> Vec<(u64, ChatEvent)> {
        self.log().events_after(after)
    }

    /// The number of attached readers, watched (a follower copy's keeper waits on it).
    pub fn readers_watch(&self) -> watch::Receiver<usize> {
        self.readers.subscribe()
    }

    /// True once the terminal event is in the log.
    pub fn ended(&self) -> bool {
        self.log().ended()
    }

    /// Sequence number of the last event.
    pub fn last_seq(&self) -> u64 {
        self.log().last_seq()
    }

    /// Bytes the log holds, roughly.
    pub fn log_bytes(&self) -> usize {
        self.log().approximate_bytes()
    }

    /// Asks the turn to end; the first reason is kept.
    pub fn cancel(&self, reason: CancelReason) {
        self.reason
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(reason);
        self.cancel.cancel();
    }

    /// Completes when the turn is cancelled.
    pub async fn cancelled(&self) {
        self.cancel.cancelled().await
    }

    /// Why the turn was cancelled, if it was.
    pub fn cancel_reason(&self) -> Option<CancelReason> {
        *self.reason.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many readers are attached.
    pub fn reader_count(&self) -> usize {
        *self.readers.borrow()
    }

    /// Readers on another replica follow the turn for at least `ttl` more.
    pub fn touch_remote_readers(&self, ttl: Duration) {
        let until = tokio::time::Instant::now() + ttl;
        self.remote_readers_until
            .send_if_modified(|current| match current {
                Some(known) if *known >= until => false,
                _ => {
                    *current = Some(until);
                    true
                }
            });
    }

    /// Ends every reader's stream at once, without a terminal event (see `detached`).
    pub fn detach_readers(&self) {
        self.detached.cancel();
    }

    /// Completes once no reader, here or on another replica, has been attached for `grace`
    /// in a row.
    pub async fn abandoned(&self, grace: Duration) {
        let mut readers = self.readers.subscribe();
        let mut remote = self.remote_readers_until.subscribe();
        loop {
            // The senders live in `self`, so waiting cannot fail while we hold it.
            if readers.wait_for(|n| *n == 0).await.is_err() {
                return;
            }
            let now = tokio::time::Instant::now();
            let absent_from = remote.borrow_and_update().unwrap_or(now).max(now);
            tokio::select! {
                () = tokio::time::sleep_until(absent_from + grace) => return,
                back = readers.wait_for(|n| *n > 0) => if back.is_err() { return },
                changed = remote.changed() => if changed.is_err() { return },
            }
        }
    }

    /// The events after `after`, then every new event as it is published, until the terminal
    /// one; `: keep-alive` comments after `keepalive` of silence. The reader counts as attached
    /// until the stream is dropped.
    pub fn subscribe(
        self: &Arc<Self>,
        after: u64,
        keepalive: Duration,
    ) -> impl Stream<Item = StreamItem> + Send + 'static {
        self.subscribe_merged(after, keepalive, Duration::ZERO)
    }

    /// Like [`subscribe`](Self::subscribe), but at most one frame per `gap` (capped at
    /// [`MAX_MERGE_GAP`]) once events flow: deltas published within the gap are merged. The
    /// first event after a quiet spell is handed out at once.
    pub fn subscribe_merged(
        self: &Arc<Self>,
        after: u64,
        keepalive: Duration,
        gap: Duration,
    ) -> impl Stream<Item = StreamItem> + Send + 'static {
        self.readers.send_modify(|n| *n += 1);
        self.attached_reader(after, keepalive, gap)
    }

    /// Like [`subscribe_merged`](Self::subscribe_merged), unless `max_readers` readers are
    /// attached already: then `None` and nothing changes (the count is checked and taken at
    /// once, so concurrent readers cannot overshoot it).
    pub fn try_subscribe_merged(
        self: &Arc<Self>,
        after: u64,
        keepalive: Duration,
        gap: Duration,
        max_readers: usize,
    ) -> Option<impl Stream<Item = StreamItem> + Send + 'static> {
        let attached = self.readers.send_if_modified(|n| {
            let room = *n < max_readers;
            if room {
                *n += 1;
            }
            room
        });
        attached.then(|| self.attached_reader(after, keepalive, gap))
    }

    /// The stream of a reader already counted in `readers`.
    fn attached_reader(
        self: &Arc<Self>,
        after: u64,
        keepalive: Duration,
        gap: Duration,
    ) -> impl Stream<Item = StreamItem> + Send + 'static {
        let reader = Reader {
            woken: self.last_seq.subscribe(),
            attachment: Attachment(Arc::clone(self)),
            cursor: after,
            ready: VecDeque::new(),
            finished: false,
            keepalive,
            gap: gap.min(MAX_MERGE_GAP),
            last_frame: None,
        };
        stream::unfold(reader, Reader::next_item)
    }
}

/// Counts a reader as attached while it lives.
struct Attachment(Arc<LiveTurn>);

impl Drop for Attachment {
    fn drop(&mut self) {
        self.0.readers.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// One reader's position in a turn.
struct Reader {
    /// Wakes the reader when an event is published.
    woken: watch::Receiver<u64>,
    /// The turn, counted as read while this reader lives.
    attachment: Attachment,
    /// Sequence number of the last event handed out.
    cursor: u64,
    /// Events read from the log, not yet handed out.
    ready: VecDeque<StreamItem>,
    /// True once the terminal event was handed out.
    finished: bool,
    /// Silence after which a keep-alive comment is sent.
    keepalive: Duration,
    /// Minimum time between two event frames (zero: none), so that what is published
    /// meanwhile is read as one merged delta.
    gap: Duration,
    /// When the last event frame was handed out, to wait out `gap` from.
    last_frame: Option<tokio::time::Instant>,
}

impl Reader {
    /// The next item for this reader, or `None` after the terminal event.
    async fn next_item(mut self) -> Option<(StreamItem, Self)> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                if let StreamItem::Event { seq, event } = &item {
                    self.cursor = *seq;
                    self.finished = event.is_terminal();
                    self.last_frame = Some(tokio::time::Instant::now());
                }
                return Some((item, self));
            }
            if self.finished || self.attachment.0.detached.is_cancelled() {
                return None;
            }
            if let Some(last) = self.last_frame.take().filter(|_| !self.gap.is_zero()) {
                // Let the next events gather; they are then read (merged) in one go.
                tokio::time::sleep_until(last + self.gap).await;
            }
            // Marked seen before reading, so an event published after the read wakes us.
            self.woken.borrow_and_update();
            let turn = &self.attachment.0;
            let (items, ended) = {
                let log = turn.log();
                (
                    log.read_some_after(self.cursor, READ_BATCH_ITEMS),
                    log.ended(),
                )
            };
            if !items.is_empty() {
                self.ready.extend(items);
                continue;
            }
            if ended {
                return None;
            }
            let turn = Arc::clone(&self.attachment.0);
            tokio::select! {
                () = turn.detached.cancelled() => return None,
                woken = tokio::time::timeout(self.keepalive, self.woken.changed()) => match woken {
                    Ok(Ok(())) => continue,
                    Ok(Err(_)) => return None,
                    Err(_) => return Some((StreamItem::KeepAlive, self)),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{DoneStats, FinishReason};
    use futures::StreamExt;

    fn done() -> ChatEvent {
        ChatEvent::Done(DoneStats {
            finish_reason: FinishReason::Stop,
            ttft_ms: None,
            tokens_per_second: None,
            output_tokens: 1,
        })
    }

    #[tokio::test]
    async fn readers_attach_and_detach_and_see_every_event_exactly_once() {
        let turn = Arc::new(LiveTurn::new("t".into(), UserId(1), None));
        turn.publish(1, ChatEvent::Delta { text: "a".into() });
        let early = turn.subscribe(0, Duration::from_secs(5));
        assert_eq!(turn.reader_count(), 1);
        let late = turn.subscribe(1, Duration::from_secs(5));
        assert_eq!(turn.reader_count(), 2);
        turn.publish(2, ChatEvent::Delta { text: "b".into() });
        turn.publish(3, done());
        let early: Vec<StreamItem> = early.collect().await;
        let late: Vec<StreamItem> = late.collect().await;
        assert_eq!(turn.reader_count(), 0);
        assert_eq!(early.len(), 2, "{early:?}");
        assert_eq!(
            early[0],
            StreamItem::Event {
                seq: 2,
                event: ChatEvent::Delta { text: "ab".into() }
            }
        );
        assert_eq!(late.len(), 2, "{late:?}");
        assert_eq!(
            late[0],
            StreamItem::Event {
                seq: 2,
                event: ChatEvent::Delta { text: "b".into() }
            }
        );
    }

    #[tokio::test]
    async fn a_silent_turn_sends_keep_alives_and_a_waiting_reader_is_woken() {
        let turn = Arc::new(LiveTurn::new("t".into(), UserId(1), None));
        let mut reader = Box::pin(turn.subscribe(0, Duration::from_millis(50)));
        assert_eq!(reader.next().await, Some(StreamItem::KeepAlive));
        let publisher = Arc::clone(&turn);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            publisher.publish(1, ChatEvent::Delta { text: "x".into() });
        });
        let mut next = reader.next().await;
        while next == Some(StreamItem::KeepAlive) {
            next = reader.next().await;
        }
        assert_eq!(
            next,
            Some(StreamItem::Event {
                seq: 1,
                event: ChatEvent::Delta { text: "x".into() }
            })
        );
    }

    #[tokio::test]
    async fn a_merging_reader_gets_what_was_published_within_its_gap_as_one_frame() {
        let turn = Arc::new(LiveTurn::new("t".into(), UserId(1), None));
        let gap = Duration::from_millis(40);
        let mut reader = Box::pin(turn.subscribe_merged(0, Duration::from_secs(60), gap));
        let delta = |text: &str| ChatEvent::Delta { text: text.into() };
        turn.publish(1, delta("a"));
        // The first event after a quiet spell is handed out at once.
        let first = tokio::time::timeout(Duration::from_millis(30), reader.next()).await;
        assert_eq!(
            first.ok().flatten(),
            Some(StreamItem::Event {
                seq: 1,
                event: delta("a")
            })
        );
        let sent = std::time::Instant::now();
        for (seq, text) in [(2, "b"), (3, "c"), (4, "d")] {
            turn.publish(seq, delta(text));
        }
        turn.publish(5, done());
        let rest: Vec<StreamItem> = reader.collect().await;
        assert!(
            sent.elapsed() >= gap - Duration::from_millis(5),
            "{:?}",
            sent.elapsed()
        );
        assert_eq!(
            rest,
            vec![
                StreamItem::Event {
                    seq: 4,
                    event: delta("bcd")
                },
                StreamItem::Event {
                    seq: 5,
                    event: done()
                },
            ]
        );
    }

    #[tokio::test]
    async fn abandonment_waits_for_a_whole_grace_period_without_readers() {
        let turn = Arc::new(LiveTurn::new("t".into(), UserId(1), None));
        let grace = Duration::from_millis(300);
        let reader = turn.subscribe(0, grace);
        let watcher = Arc::clone(&turn);
        let abandoned = tokio::spawn(async move { watcher.abandoned(grace).await });
        tokio::time::sleep(grace * 2).await;
        assert!(!abandoned.is_finished(), "a reader is attached");
        drop(reader);
        tokio::time::sleep(grace / 3).await;
        // A reload within the grace period re-attaches: the timer starts again when it leaves.
        let again = turn.subscribe(0, grace);
        tokio::time::sleep(grace * 2).await;
        assert!(!abandoned.is_finished(), "a reader is attached again");
        let left = std::time::Instant::now();
        drop(again);
        tokio::time::timeout(Duration::from_secs(10), abandoned)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("the turn was never found abandoned"));
        assert!(
            left.elapsed() >= grace,
            "found abandoned after {:?}",
            left.elapsed()
        );
    }

    #[tokio::test]
    async fn readers_on_other_replicas_keep_the_turn_alive_until_their_presence_runs_out() {
        let turn = Arc::new(LiveTurn::new("t".into(), UserId(1), None));
        let grace = Duration::from_millis(200);
        let presence = Duration::from_millis(400);
        turn.touch_remote_readers(presence);
        let watcher = Arc::clone(&turn);
        let started = std::time::Instant::now();
        let abandoned = tokio::spawn(async move { watcher.abandoned(grace).await });
        // Renewed once while absent locally: the grace period runs from the last renewal's end.
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(!abandoned.is_finished(), "a remote reader is present");
        turn.touch_remote_readers(presence);
        tokio::time::timeout(Duration::from_secs(10), abandoned)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("the turn was never found abandoned"));
        assert!(
            started.elapsed() >= Duration::from_millis(250) + presence + grace,
            "found abandoned after {:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn detached_readers_end_without_a_terminal_event() {
        let turn = Arc::new(LiveTurn::new("t".into(), UserId(1), None));
        turn.publish(1, ChatEvent::Delta { text: "a".into() });
        let reader = turn.subscribe(0, Duration::from_secs(60));
        let detacher = Arc::clone(&turn);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            detacher.detach_readers();
        });
        let items: Vec<StreamItem> = tokio::time::timeout(Duration::from_secs(5), reader.collect())
            .await
            .unwrap_or_else(|_| panic!("the reader was not let go"));
        assert_eq!(
            items,
            vec![StreamItem::Event {
                seq: 1,
                event: ChatEvent::Delta { text: "a".into() }
            }]
        );
    }

    #[tokio::test]
    async fn readers_past_the_cap_are_refused_until_one_leaves() {
        let turn = Arc::new(LiveTurn::new("t".into(), UserId(1), None));
        let keepalive = Duration::from_secs(5);
        let first = turn.subscribe(0, keepalive);
        let second = turn.try_subscribe_merged(0, keepalive, Duration::ZERO, 2);
        assert!(second.is_some());
        assert!(turn
            .try_subscribe_merged(0, keepalive, Duration::ZERO, 2)
            .is_none());
        assert_eq!(turn.reader_count(), 2, "a refusal attaches nothing");
        drop(first);
        let third = turn.try_subscribe_merged(0, keepalive, Duration::ZERO, 2);
        assert!(third.is_some());
        assert_eq!(turn.reader_count(), 2);
    }

    #[test]
    fn the_first_cancel_reason_wins() {
        let turn = LiveTurn::new("t".into(), UserId(1), None);
        assert_eq!(turn.cancel_reason(), None);
        turn.cancel(CancelReason::Stop);
        turn.cancel(CancelReason::Shutdown);
        assert_eq!(turn.cancel_reason(), Some(CancelReason::Stop));
    }
}
