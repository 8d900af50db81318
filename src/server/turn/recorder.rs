//! Records a streaming answer in the store as it is sent: text in batches (the store's
//! [`AnswerWriter`] decides when), then the final status and statistics from the terminal
//! event, written *before* that event reaches any reader. If the turn's driver is dropped
//! without a terminal event (only a panic does that), the answer is stored as `stopped` from a
//! small spawned write.
//!
//! Storage failures never break the stream the user is reading. A database that is unavailable
//! (down, restarting, unreachable) pauses the batched writes for [`UNAVAILABLE_PAUSE`] and they
//! resume with all the text received meanwhile; a final write it refuses is retried in the
//! background for up to [`FINAL_WRITE_RETRIES`] pauses, so the answer is stored once the
//! database returns. Any other failure is logged and the recorder stops writing (the row is
//! then recovered as `interrupted` at the next start). Each write's latency (and a batch's
//! size) goes to the metrics.

use crate::conversation::AnswerStats;
use crate::events::{ChatEvent, FinishReason, Usage};
use crate::server::metrics::record;
use crate::store::{AnswerEnd, AnswerWriter, StoreError};
use std::time::{Duration, Instant};

/// How long batched writes wait after the database was unavailable: each attempt may wait
/// for a connection, which must not slow the stream down at every token.
pub const UNAVAILABLE_PAUSE: Duration = Duration::from_secs(5);

/// How many times a refused final write is retried, [`UNAVAILABLE_PAUSE`] apart (5 minutes).
pub const FINAL_WRITE_RETRIES: u32 = 60;

/// The recorder of one turn; [`AnswerRecorder::none`] for a temporary chat.
pub struct AnswerRecorder {
    /// The writer, until the answer is finished or writing failed.
    writer: Option<AnswerWriter>,
    /// Usage reported by the provider, stored with the answer.
    usage: Option<Usage>,
    /// No batched write before this instant: the database was unavailable at the last one.
    paused_until: Option<Instant>,
}

impl AnswerRecorder {
    /// Records into `writer`.
    pub fn new(writer: AnswerWriter) -> AnswerRecorder {
        AnswerRecorder {
            writer: Some(writer),
            usage: None,
            paused_until: None,
        }
    }

    /// Records nothing (temporary chat).
    pub fn none() -> AnswerRecorder {
        AnswerRecorder {
            writer: None,
            usage: None,
            paused_until: None,
        }
    }

    /// Notes an event about to be sent: answer text is buffered, usage kept for the end.
    pub fn observe(&mut self, event: &ChatEvent) {
        match event {
            ChatEvent::Delta { text } => {
                if let Some(writer) = self.writer.as_mut() {
                    writer.push(text);
                }
            }
            ChatEvent::Usage(usage) => self.usage = Some(usage.clone()),
            _ => {}
        }
    }

    /// Writes the buffered text if the flush interval has passed.
    pub async fn flush_if_due(&mut self) {
        let Some(writer) = self.writer.as_mut() else {
            return;
        };
        let now = Instant::now();
        if self.paused_until.is_some_and(|until| now < until) {
            return;
        }
        let batch = writer.unwritten_bytes();
        let began = Instant::now();
        match writer.flush_if_due(now).await {
            Ok(wrote) => {
                if wrote {
                    record::answer_write(began.elapsed(), false, batch);
                }
                self.paused_until = None;
            }
            Err(error) if error.is_unavailable() => {
                if self.paused_until.is_none() {
                    tracing::warn!(
                        answer = %writer.message_id(),
                        "{error}; the answer's text is kept and written when it returns"
                    );
                }
                self.paused_until = Some(now + UNAVAILABLE_PAUSE);
            }
            Err(error) => {
                log_write_failure(writer.message_id(), &error);
                self.writer = None;
            }
        }
    }

    /// Stores the answer's end as told by the terminal event (`done` or `error`).
    pub async fn finish(&mut self, terminal: &ChatEvent) {
        let Some(writer) = self.writer.take() else {
            return;
        };
        let (end, stats) = match terminal {
            ChatEvent::Done(done) => {
                let end = match done.finish_reason {
                    FinishReason::Stopped => AnswerEnd::Stopped,
                    FinishReason::Interrupted => AnswerEnd::Interrupted,
                    _ => AnswerEnd::Complete,
                };
                let stats = AnswerStats {
                    input_tokens: self.usage.as_ref().map(|u| to_i64(u.input_tokens)),
                    output_tokens: Some(to_i64(done.output_tokens)),
                    reasoning_tokens: self
                        .usage
                        .as_ref()
                        .and_then(|u| u.reasoning_tokens)
                        .map(to_i64),
                    ttft_ms: done.ttft_ms.map(to_i64),
                    tokens_per_second: done.tokens_per_second,
                    finish_reason: Some(done.finish_reason.as_stored().to_string()),
                };
                (end, stats)
            }
            ChatEvent::Error { message } => (
                AnswerEnd::Error(message.clone()),
                ended_by(FinishReason::Error),
            ),
            _ => {
                self.writer = Some(writer);
                return;
            }
        };
        let id = writer.message_id().to_string();
        let began = Instant::now();
        match writer.finish(end.clone(), &stats).await {
            Ok(writes) => {
                record::answer_write(began.elapsed(), true, 0);
                tracing::debug!(answer = %id, writes, "answer stored");
            }
            Err(error) if error.is_unavailable() => {
                tracing::warn!(answer = %id, "{error}; the final write is retried in the background");
                tokio::spawn(retry_final_write(writer, end, stats));
            }
            Err(error) => log_write_failure(&id, &error),
        }
    }
}

impl Drop for AnswerRecorder {
    /// The turn ended without a terminal event (the browser left): store what was received
    /// as `stopped`. A plain database write, so spawning it cannot keep any upstream alive.
    fn drop(&mut self) {
        let Some(writer) = self.writer.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let id = writer.message_id().to_string();
            let stats = ended_by(FinishReason::Stopped);
            if let Err(error) = writer.finish(AnswerEnd::Stopped, &stats).await {
                log_write_failure(&id, &error);
            }
        });
    }
}

/// Retries the final write of `writer` while the database is unavailable, [`UNAVAILABLE_PAUSE`]
/// apart, at most [`FINAL_WRITE_RETRIES`] times (a plain database write: nothing upstream is
/// kept alive by it).
async fn retry_final_write(writer: AnswerWriter, end: AnswerEnd, stats: AnswerStats) {
    let id = writer.message_id().to_string();
    let mut last: Option<StoreError> = None;
    for _ in 0..FINAL_WRITE_RETRIES {
        tokio::time::sleep(UNAVAILABLE_PAUSE).await;
        match writer.finish(end.clone(), &stats).await {
            Ok(writes) => {
                tracing::info!(answer = %id, writes, "answer stored after the database returned");
                return;
            }
            Err(error) if error.is_unavailable() => last = Some(error),
            Err(error) => return log_write_failure(&id, &error),
        }
    }
    if let Some(error) = last {
        log_write_failure(&id, &error);
    }
}

/// Statistics of an answer that ended without a `done` event: only the reason.
fn ended_by(reason: FinishReason) -> AnswerStats {
    AnswerStats {
        finish_reason: Some(reason.as_stored().to_string()),
        ..AnswerStats::default()
    }
}

/// Converts a count for storage (saturating; counts never get near the limit).
fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Logs a failed write once; "not found" means the conversation was deleted meanwhile.
fn log_write_failure(answer: &str, error: &crate::store::StoreError) {
    if error.is_not_found() {
        tracing::info!(%answer, "answer no longer stored (conversation deleted?)");
    } else {
        tracing::warn!(%answer, "cannot store answer: {error}");
    }
}
