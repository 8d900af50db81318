//! The task that runs one turn: it polls the turn driver (which owns the upstream request)
//! and publishes every event into the turn's log, independent of any HTTP connection. A small
//! companion task cancels the turn when no reader has been attached for the grace period
//! (it wakes only when readers come and go). The turn leaves the registry when it ends — even
//! if the driver panics, in which case readers get an `error` event instead of waiting forever.
//!
//! On a cluster the events go through the turn's [`Relay`] (batched into Redis, then
//! published locally); the task ends once the last batch, with the terminal event, is written.

use crate::codec::StreamItem;
use crate::events::ChatEvent;
use crate::server::cluster::relay::Relay;
use crate::server::turn::live::{CancelReason, LiveTurn};
use crate::server::turn::registry::TurnRegistry;
use futures::{Stream, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Spawns the task running `turn` from `driver`'s events, through `relay` on a cluster.
pub fn spawn(
    registry: TurnRegistry,
    turn: Arc<LiveTurn>,
    driver: impl Stream<Item = StreamItem> + Send + 'static,
    grace: Duration,
    relay: Option<Relay>,
) {
    let finished = CancellationToken::new();
    // The grace-period watcher wakes only when the number of readers changes, not per event.
    let watched = Arc::clone(&turn);
    let watcher_done = finished.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = watched.abandoned(grace) => {
                tracing::info!(turn_id = %watched.id, "no reader came back; stopping the turn");
                watched.cancel(CancelReason::Abandoned);
            }
            _ = watcher_done.cancelled() => {}
        }
    });
    tokio::spawn(async move {
        let ending = Ending {
            registry,
            turn: Arc::clone(&turn),
            finished,
        };
        let mut driver = Box::pin(driver);
        match relay {
            None => {
                while let Some(item) = driver.next().await {
                    if let StreamItem::Event { seq, event } = item {
                        turn.publish(seq, event);
                    }
                }
            }
            Some(mut relay) => {
                loop {
                    let next = match relay.due_at() {
                        Some(due) => tokio::select! {
                            biased;
                            () = tokio::time::sleep_until(due) => {
                                relay.write_batch().await;
                                continue;
                            }
                            next = driver.next() => next,
                        },
                        None => driver.next().await,
                    };
                    match next {
                        Some(StreamItem::Event { seq, event }) => relay.push(seq, event),
                        Some(_) => {}
                        None => break,
                    }
                }
                relay.write_batch().await;
            }
        }
        drop(driver);
        drop(ending);
    });
}

/// Removes the turn from the registry when the task ends, however it ends.
struct Ending {
    /// Where the turn is registered.
    registry: TurnRegistry,
    /// The turn.
    turn: Arc<LiveTurn>,
    /// Ends the grace-period watcher.
    finished: CancellationToken,
}

impl Drop for Ending {
    fn drop(&mut self) {
        if !self.turn.ended() {
            // Only reachable if the driver panicked: readers must not wait forever.
            self.turn.publish(
                self.turn.last_seq() + 1,
                ChatEvent::Error {
                    message: "The answer failed on the server.".to_string(),
                },
            );
        }
        self.registry.remove(&self.turn.id);
        self.finished.cancel();
    }
}
