//! What the fake upstream remembers about each chat request (timings, bytes written, whether
//! the client hung up), shared between connection tasks and the test that inspects it.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

/// One `POST /v1/chat/completions` request as the fake saw it. Times are milliseconds since
/// the fake started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Position in the record list (since the last clear), used to wait on this request.
    pub index: usize,
    /// Requested model, i.e. which scenario ran.
    pub model: String,
    /// Request target, to check which endpoint the app called.
    pub path: String,
    /// When the whole request had been read.
    pub started_ms: f64,
    /// When the first body byte was written (time to first byte as the client could see it).
    pub first_byte_ms: Option<f64>,
    /// Response body bytes written so far (without headers and chunk framing), to prove a
    /// stopped stream stops growing.
    pub bytes_sent: usize,
    /// The whole scripted response was written and the body properly ended.
    pub completed: bool,
    /// When the client closed or reset the connection before the response ended; `None` if
    /// it never did.
    pub client_disconnected_ms: Option<f64>,
    /// The request carried the required bearer key (always true when none is required).
    pub authorization_ok: bool,
    /// Text of the last `user` message, to check what the app sent.
    pub last_user_message: Option<String>,
    /// The whole JSON request body (`null` if it was not JSON), to check the history sent.
    #[serde(default)]
    pub body: serde_json::Value,
}

/// One record plus what the waiters need beyond it.
#[derive(Debug)]
struct Slot {
    /// The public record.
    record: RequestRecord,
    /// The connection is over; nothing about this record will change any more.
    finished: bool,
}

/// The mutable part of the store, behind one lock so ids and indexes stay consistent.
#[derive(Debug, Default)]
struct Store {
    /// Records since the last clear.
    slots: Vec<Slot>,
    /// Records cleared so far; a request id minus this is its index, and older ids are stale.
    cleared: usize,
}

/// Record store with change notification.
#[derive(Debug)]
pub(crate) struct Recorder {
    /// Time zero for every `*_ms` field.
    started: Instant,
    /// Records and clear count.
    store: Mutex<Store>,
    /// Woken on every change, for `wait_for_disconnect`.
    changed: Notify,
}

/// Identifies a request across clears: a stale id (cleared meanwhile) updates nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RecordId(usize);

impl Recorder {
    /// An empty store whose clock starts now.
    pub(crate) fn new() -> Self {
        Self {
            started: Instant::now(),
            store: Mutex::new(Store::default()),
            changed: Notify::new(),
        }
    }

    /// Milliseconds since the store was created.
    pub(crate) fn now_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Adds a record for a new request.
    pub(crate) fn open(
        &self,
        model: &str,
        path: &str,
        authorization_ok: bool,
        last_user_message: Option<String>,
        body: serde_json::Value,
    ) -> RecordId {
        let started_ms = self.now_ms();
        let mut store = lock(&self.store);
        let index = store.slots.len();
        let id = RecordId(store.cleared + index);
        store.slots.push(Slot {
            record: RequestRecord {
                index,
                model: model.to_string(),
                path: path.to_string(),
                started_ms,
                first_byte_ms: None,
                bytes_sent: 0,
                completed: false,
                client_disconnected_ms: None,
                authorization_ok,
                last_user_message,
                body,
            },
            finished: false,
        });
        drop(store);
        self.changed.notify_waiters();
        id
    }

    /// Changes a record (ignored if it was cleared meanwhile) and wakes the waiters.
    pub(crate) fn update(&self, id: RecordId, change: impl FnOnce(&mut RequestRecord)) {
        self.with_slot(id, |slot| change(&mut slot.record));
    }

    /// Counts `bytes` more body bytes written now.
    pub(crate) fn add_bytes(&self, id: RecordId, bytes: usize) {
        let now = self.now_ms();
        self.update(id, |record| {
            record.first_byte_ms.get_or_insert(now);
            record.bytes_sent += bytes;
        });
    }

    /// Marks the client as gone now (only the first time).
    pub(crate) fn client_disconnected(&self, id: RecordId) {
        let now = self.now_ms();
        self.update(id, |record| {
            record.client_disconnected_ms.get_or_insert(now);
        });
    }

    /// Marks the connection as over.
    pub(crate) fn finish(&self, id: RecordId) {
        self.with_slot(id, |slot| slot.finished = true);
    }

    /// A copy of all records since the last clear.
    pub(crate) fn snapshot(&self) -> Vec<RequestRecord> {
        lock(&self.store)
            .slots
            .iter()
            .map(|slot| slot.record.clone())
            .collect()
    }

    /// Forgets all records; requests still running stop updating theirs.
    pub(crate) fn clear(&self) {
        let mut store = lock(&self.store);
        store.cleared += store.slots.len();
        store.slots.clear();
        drop(store);
        self.changed.notify_waiters();
    }

    /// Waits until request `index` has a disconnect time (returns its record) or is over
    /// without one, or `timeout` passes (both `None`).
    pub(crate) async fn wait_for_disconnect(
        &self,
        index: usize,
        timeout: Duration,
    ) -> Option<RequestRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(slot) = lock(&self.store).slots.get(index) {
                if slot.record.client_disconnected_ms.is_some() {
                    return Some(slot.record.clone());
                }
                if slot.finished {
                    return None;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// Runs `change` on the slot of `id` if it still exists, then wakes the waiters.
    fn with_slot(&self, id: RecordId, change: impl FnOnce(&mut Slot)) {
        let mut store = lock(&self.store);
        let index = id.0.checked_sub(store.cleared);
        if let Some(slot) = index.and_then(|index| store.slots.get_mut(index)) {
            change(slot);
        }
        drop(store);
        self.changed.notify_waiters();
    }
}

/// Locks a mutex, carrying on after a panic elsewhere (records are plain data, always valid).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
