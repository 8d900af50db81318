//! The sweeper of uploads never sent: every [`SWEEP_EVERY`] it deletes the pending uploads
//! (no conversation, no message) stored more than [`PENDING_FOR`] ago, on every replica (the
//! DELETE is idempotent, so replicas sweeping at once only repeat each other). Started with
//! the server ([`start`]) and stopped when it stops; [`sweep_once`] is one pass with a given
//! "now", for tests.

use crate::store::{Store, StoreError};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How long an upload may stay pending (a composer left open overnight still sends it).
pub const PENDING_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// Time between two sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// Deletes the uploads pending since before `now_millis` − [`PENDING_FOR`]; how many.
pub async fn sweep_once(store: &Store, now_millis: i64) -> Result<u64, StoreError> {
    let age = i64::try_from(PENDING_FOR.as_millis()).unwrap_or(i64::MAX);
    store
        .sweep_pending_attachments(now_millis.saturating_sub(age))
        .await
}

/// Starts the hourly sweep (the first pass at once); abort the handle to stop it.
pub fn start(store: Store) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match sweep_once(&store, crate::store::now_millis()).await {
                Ok(0) => {}
                Ok(swept) => tracing::info!(swept, "deleted uploads never sent"),
                Err(error) => tracing::warn!("cannot sweep pending uploads: {error}"),
            }
        }
    })
}
