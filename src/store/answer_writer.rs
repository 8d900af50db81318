//! [ssr] Batched writing of a streaming answer: text is buffered in memory and written at most
//! once per flush interval (250 ms by default), each flush one `UPDATE` that *appends* only the
//! text received since the last one (`content = content || ?`), so the database sees a few
//! writes per second whatever the token rate, a long answer costs its length in writes (not
//! its length once per flush), and a crash loses at most about one interval of text. The final
//! write stores the whole text once with the status, which also repairs a flush whose success
//! was never seen (a dropped future). Writes only touch a row that is still `streaming` and
//! owned by the writer's user; every write is an `UPDATE` of `messages.content`, so triggers
//! on it see each change.

use super::db::on_db;
use super::error::found;
use super::ids::now_millis;
use super::text::{storable, storable_opt};
use super::{AnswerStats, Message, MessageStatus, Store, StoreError, UserId};
use crate::ids::MessageId;
use std::time::{Duration, Instant};

/// Time between two batched writes unless configured otherwise.
pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_millis(250);

/// Appends to the text of an answer that is still streaming, checking the owner.
const APPEND_TEXT: &str = "
    UPDATE messages SET content = content || $1, updated_at = $2
    WHERE id = $3 AND status = 'streaming'
      AND conversation_id IN (SELECT id FROM conversations WHERE user_id = $4)";

/// Writes the final text, status, error and statistics of an answer, checking the owner.
const UPDATE_FINAL: &str = "
    UPDATE messages SET content = $1, updated_at = $2, status = $3, error = $4,
        input_tokens = $5, output_tokens = $6, reasoning_tokens = $7, ttft_ms = $8,
        tokens_per_second = $9, finish_reason = $12
    WHERE id = $10 AND status = 'streaming'
      AND conversation_id IN (SELECT id FROM conversations WHERE user_id = $11)";

/// How an answer ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerEnd {
    /// The model finished.
    Complete,
    /// The user pressed Stop.
    Stopped,
    /// The provider or turn failed, with the user-safe reason.
    Error(String),
    /// The server shut down before the answer finished.
    Interrupted,
}

/// The writer of one streaming answer row (from [`Store::start_answer`]).
#[derive(Debug)]
pub struct AnswerWriter {
    /// Where to write.
    store: Store,
    /// Owner of the conversation; every write is scoped by it.
    user: UserId,
    /// The assistant message being written.
    message_id: MessageId,
    /// All text received so far.
    text: String,
    /// Length of the prefix of `text` already in the database.
    written_len: usize,
    /// When the row was last written (or created).
    last_write: Instant,
    /// Minimum time between two batched writes.
    interval: Duration,
    /// Statements executed so far, for tests and the benchmark.
    writes: u64,
    /// Bytes of text sent by the batched flushes so far (each flush sends only new text).
    flushed_bytes: u64,
}

impl AnswerWriter {
    /// A writer for `answer`, created at `now`, flushing every [`DEFAULT_FLUSH_INTERVAL`].
    pub fn new(store: Store, user: UserId, answer: &Message, now: Instant) -> AnswerWriter {
        AnswerWriter {
            store,
            user,
            message_id: answer.id.clone(),
            text: answer.content.clone(),
            written_len: answer.content.len(),
            last_write: now,
            interval: DEFAULT_FLUSH_INTERVAL,
            writes: 0,
            flushed_bytes: 0,
        }
    }

    /// A writer that only ends answer `message_id` with `text`: used by a replica storing the
    /// answer of a replica that died (`server::cluster::takeover`), which never flushes.
    pub fn taken_over(store: Store, user: UserId, message_id: MessageId, text: String) -> Self {
        AnswerWriter {
            store,
            user,
            message_id,
            written_len: 0,
            text,
            last_write: Instant::now(),
            interval: DEFAULT_FLUSH_INTERVAL,
            writes: 0,
            flushed_bytes: 0,
        }
    }

    /// The same writer with another flush interval.
    pub fn with_interval(mut self, interval: Duration) -> AnswerWriter {
        self.interval = interval;
        self
    }

    /// The id of the answer being written.
    pub fn message_id(&self) -> &MessageId {
        &self.message_id
    }

    /// All text pushed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of database writes so far.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Bytes of text the batched flushes have sent so far: the text added since the writer
    /// was created (or less, while some is waiting), never the same text twice.
    pub fn flushed_bytes(&self) -> u64 {
        self.flushed_bytes
    }

    /// Appends text to the buffer; never touches the database.
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Bytes of text received but not yet written (the next batch's size).
    pub fn unwritten_bytes(&self) -> usize {
        self.text.len().saturating_sub(self.written_len)
    }

    /// True when there is unwritten text and the interval has passed since the last write.
    pub fn is_due(&self, now: Instant) -> bool {
        self.written_len < self.text.len()
            && now.saturating_duration_since(self.last_write) >= self.interval
    }

    /// Appends the text not yet written if [`Self::is_due`]; returns whether it wrote.
    /// `NotFound` means the row is gone or no longer streaming (conversation deleted,
    /// recovered).
    pub async fn flush_if_due(&mut self, now: Instant) -> Result<bool, StoreError> {
        if !self.is_due(now) {
            return Ok(false);
        }
        // `written_len` is always a length the text had after a `push`: a char boundary.
        let Some(unwritten) = self.text.get(self.written_len..) else {
            return Err(StoreError::Database(sqlx::Error::Protocol(
                "answer text cut inside a character".to_string(),
            )));
        };
        self.writes += 1;
        self.flushed_bytes += unwritten.len() as u64;
        let unwritten = storable(self.store.db().backend(), unwritten);
        let done = on_db!(self.store.db(), |pool| {
            sqlx::query(APPEND_TEXT)
                .bind(unwritten.as_ref())
                .bind(now_millis())
                .bind(&self.message_id)
                .bind(self.user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(done)?;
        self.written_len = self.text.len();
        self.last_write = now;
        Ok(true)
    }

    /// Writes the full text with the final status and statistics in one statement; returns the
    /// total number of writes of this answer.
    /// Takes `&self` so that a caller may try again when the database was unavailable.
    pub async fn finish(&self, end: AnswerEnd, stats: &AnswerStats) -> Result<u64, StoreError> {
        let (status, error) = match end {
            AnswerEnd::Complete => (MessageStatus::Complete, None),
            AnswerEnd::Stopped => (MessageStatus::Stopped, None),
            AnswerEnd::Interrupted => (MessageStatus::Interrupted, None),
            AnswerEnd::Error(reason) => (MessageStatus::Error, Some(reason)),
        };
        let backend = self.store.db().backend();
        let text = storable(backend, &self.text);
        let error = storable_opt(backend, error.as_deref());
        let done = on_db!(self.store.db(), |pool| {
            sqlx::query(UPDATE_FINAL)
                .bind(text.as_ref())
                .bind(now_millis())
                .bind(status)
                .bind(error.as_deref())
                .bind(stats.input_tokens)
                .bind(stats.output_tokens)
                .bind(stats.reasoning_tokens)
                .bind(stats.ttft_ms)
                .bind(stats.tokens_per_second)
                .bind(&self.message_id)
                .bind(self.user.0)
                .bind(&stats.finish_reason)
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(done)?;
        Ok(self.writes + 1)
    }
}
