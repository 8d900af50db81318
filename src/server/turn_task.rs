//! The task that runs one turn: it polls the turn driver (which owns the upstream request)
//! and publishes every event into the turn's log, independent of any HTTP connection. It
//! cancels the turn when no reader has been attached for the grace period, and removes the
//! turn from the registry when it ends — even if the driver panics, in which case readers get
//! an `error` event instead of waiting forever.

use crate::codec::StreamItem;
use crate::events::ChatEvent;
use crate::server::live_turn::{CancelReason, LiveTurn};
use crate::server::turns::TurnRegistry;
use futures::{Stream, StreamExt};
use std::sync::Arc;
use std::time::Duration;

/// Spawns the task running `turn` from `driver`'s events.
pub fn spawn(
    registry: TurnRegistry,
    turn: Arc<LiveTurn>,
    driver: impl Stream<Item = StreamItem> + Send + 'static,
    grace: Duration,
) {
    tokio::spawn(async move {
        let ending = Ending {
            registry,
            turn: Arc::clone(&turn),
        };
        let mut driver = Box::pin(driver);
        let abandoned = turn.abandoned(grace);
        tokio::pin!(abandoned);
        let mut cancelled = false;
        loop {
            tokio::select! {
                item = driver.next() => match item {
                    Some(StreamItem::Event { seq, event }) => turn.publish(seq, event),
                    Some(StreamItem::KeepAlive) => {}
                    None => break,
                },
                _ = &mut abandoned, if !cancelled => {
                    cancelled = true;
                    tracing::info!(turn_id = %turn.id, "no reader came back; stopping the turn");
                    turn.cancel(CancelReason::Abandoned);
                }
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
    }
}
