//! Records a streaming answer in the store as it is sent: text in batches (the store's
//! [`AnswerWriter`] decides when), then the final status and statistics from the terminal
//! event, written *before* that event reaches any reader. If the turn's driver is dropped
//! without a terminal event (only a panic does that), the answer is stored as `stopped` from a
//! small spawned write.
//!
//! Storage failures never break the stream the user is reading: they are logged and the
//! recorder stops writing (the row is then recovered as `interrupted` at the next start).

use crate::conversation::AnswerStats;
use crate::events::{ChatEvent, FinishReason, Usage};
use crate::store::{AnswerEnd, AnswerWriter};
use std::time::Instant;

/// The recorder of one turn; [`AnswerRecorder::none`] for a temporary chat.
pub struct AnswerRecorder {
    /// The writer, until the answer is finished or writing failed.
    writer: Option<AnswerWriter>,
    /// Usage reported by the provider, stored with the answer.
    usage: Option<Usage>,
}

impl AnswerRecorder {
    /// Records into `writer`.
    pub fn new(writer: AnswerWriter) -> AnswerRecorder {
        AnswerRecorder {
            writer: Some(writer),
            usage: None,
        }
    }

    /// Records nothing (temporary chat).
    pub fn none() -> AnswerRecorder {
        AnswerRecorder {
            writer: None,
            usage: None,
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
        if let Err(error) = writer.flush_if_due(Instant::now()).await {
            log_write_failure(writer.message_id(), &error);
            self.writer = None;
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
        match writer.finish(end, &stats).await {
            Ok(writes) => tracing::debug!(answer = %id, writes, "answer stored"),
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
