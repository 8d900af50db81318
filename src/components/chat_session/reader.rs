//! Reads one answer's event stream into its [`MessageEntry`]: text into incremental Markdown,
//! reasoning, tool calls, usage, and the end (`done`, `error`, or `stored` when a resumed turn
//! had already ended). When the connection drops before the end, it reconnects by itself
//! (growing back-off, limited tries) and resumes after the last sequence number it applied, so
//! no event is lost or applied twice; the typing indicator and Stop stay as they were.

use super::entry::{answer_failure, MessageEntry, MessageStatus, ToolCallState};
use super::ChatSession;
use crate::api::resume_turn;
use crate::api_error::{ApiError, ErrorKind};
use crate::codec::{ChatEventStream, StreamItem};
use crate::events::{ChatEvent, FinishReason};
use crate::ids::TurnId;
use crate::markdown::{IncrementalMarkdown, StreamTail};
use futures::StreamExt;
use leptos::prelude::*;
use std::time::Duration;

/// Reconnection attempts without receiving an event in between before giving up.
const MAX_RECONNECTS: u32 = 6;

/// The minimum gap (ms) between event frames the page asks the server for: deltas within it
/// arrive merged, so a fast answer costs the page one network task per ~40 ms instead of one
/// per token. The pacing layer spreads each merged burst over the gap anyway.
pub(super) const MERGE_MS: u32 = 40;

/// Where reading starts.
pub(super) enum ReadFrom {
    /// A new turn this page started; `prefix` is text the answer already has (Continue).
    NewTurn {
        /// Text the new text continues.
        prefix: String,
    },
    /// A turn this page did not start (a reload, another tab): its events from the start
    /// replace what the page had, keeping the stored text the turn continues.
    Following,
}

/// How one connection's stream ended.
enum Outcome {
    /// The answer reached its end (or failed for good); nothing more to read.
    Finished,
    /// The connection was lost first; `reason` is shown if reconnecting fails.
    Lost {
        /// Why, in words.
        reason: String,
    },
}

/// The state of reading one answer across connections.
struct AnswerReader {
    /// The session, told when the turn starts.
    session: ChatSession,
    /// The new user message (a send), given its stored id when the turn starts.
    question: Option<MessageEntry>,
    /// The answer being written.
    answer: MessageEntry,
    /// The answer's Markdown split into frozen blocks and the tail.
    markdown: IncrementalMarkdown,
    /// Sequence number of the last event applied; resuming asks for the events after it.
    last_seq: u64,
    /// The server's turn id, once `started` arrived.
    turn_id: Option<TurnId>,
    /// True when the turn's `started` event replaces what the entry shows (following).
    replace_on_start: bool,
    /// Reconnection attempts left; refilled whenever an event arrives.
    tries_left: u32,
}

/// Reads `stream` (or, when `None`, resumes the answer's turn from its start) into `answer`
/// until the answer ends.
pub(super) async fn read_answer(
    session: ChatSession,
    question: Option<MessageEntry>,
    answer: MessageEntry,
    stream: Option<Result<ChatEventStream<ApiError>, ApiError>>,
    from: ReadFrom,
) {
    let mut reader = AnswerReader {
        session,
        question,
        answer,
        markdown: IncrementalMarkdown::new(),
        last_seq: 0,
        turn_id: None,
        replace_on_start: matches!(from, ReadFrom::Following),
        tries_left: MAX_RECONNECTS,
    };
    if let ReadFrom::NewTurn { prefix } = &from {
        reader.show_prefix(prefix);
    }
    let stream = match stream {
        Some(stream) => stream,
        None => resume_turn(None, answer.server_id.get_untracked(), 0, Some(MERGE_MS)).await,
    };
    let mut stream = match stream {
        Ok(stream) => stream,
        Err(error) => {
            // Refused before anything was stored: give the text and files back to the composer.
            if let Some(question) = question.filter(|q| q.server_id.get_untracked().is_none()) {
                session
                    .refused_attachments
                    .set(question.attachments.get_untracked());
                session
                    .refused_draft
                    .set(Some(question.text.get_untracked()));
            }
            return reader.fail(error);
        }
    };
    loop {
        let reason = match reader.read(stream).await {
            Outcome::Finished => return,
            Outcome::Lost { reason } => reason,
        };
        match reader.reconnect().await {
            Ok(next) => stream = next,
            Err(refusal) => {
                return reader
                    .fail(refusal.unwrap_or_else(|| ApiError::new(ErrorKind::Unreachable, reason)))
            }
        }
    }
}

impl AnswerReader {
    /// Shows `prefix` as the answer's text before new text arrives.
    fn show_prefix(&mut self, prefix: &str) {
        if !prefix.is_empty() {
            self.answer.push_blocks(self.markdown.push(prefix));
            let markdown = &mut self.markdown;
            self.answer.tail.update(|tail| markdown.sync_tail(tail));
        }
    }

    /// Applies one connection's events until the answer ends or the connection is lost.
    async fn read(&mut self, stream: ChatEventStream<ApiError>) -> Outcome {
        let mut items = Box::pin(stream.into_inner());
        while let Some(item) = items.next().await {
            let (seq, event) = match item {
                Ok(StreamItem::Event { seq, event }) => (seq, event),
                Ok(StreamItem::KeepAlive) => continue,
                Err(error) => {
                    return Outcome::Lost {
                        reason: format!("Connection lost: {error}"),
                    }
                }
            };
            // Sequence numbers only grow; anything at or before the last one was applied.
            if seq != 0 && seq <= self.last_seq {
                continue;
            }
            if seq != 0 {
                self.last_seq = seq;
                self.tries_left = MAX_RECONNECTS;
                if self.session.reconnecting.get_untracked() {
                    self.session.reconnecting.set(false);
                }
            }
            if self.apply(event) {
                return Outcome::Finished;
            }
        }
        Outcome::Lost {
            reason: "The connection closed before the answer finished.".to_string(),
        }
    }

    /// Applies one event; true when it ends the answer.
    fn apply(&mut self, event: ChatEvent) -> bool {
        let answer = self.answer;
        match event {
            ChatEvent::Started {
                turn_id, stored, ..
            } => {
                if self.replace_on_start {
                    self.replace_on_start = false;
                    let keep = stored.as_ref().map_or(0, |s| s.prefix_bytes);
                    let prefix = answer
                        .text
                        .with_untracked(|text| text.get(..keep).unwrap_or_default().to_string());
                    answer.reset_rendering();
                    answer.text.set(prefix.clone());
                    self.markdown = IncrementalMarkdown::new();
                    self.show_prefix(&prefix);
                }
                self.turn_id = Some(turn_id.clone());
                self.session
                    .on_started(self.question, answer, turn_id, stored);
            }
            ChatEvent::Delta { text } => {
                mark_streaming(answer);
                answer.text.update(|t| t.push_str(&text));
                answer.push_blocks(self.markdown.push(&text));
                let markdown = &mut self.markdown;
                answer.tail.update(|tail| markdown.sync_tail(tail));
            }
            ChatEvent::Reasoning { text } => {
                mark_streaming(answer);
                answer.reasoning.update(|r| r.push_str(&text));
            }
            ChatEvent::ToolCallStart { index, name, .. } => {
                mark_streaming(answer);
                let call = ToolCallState {
                    index,
                    name,
                    arguments: String::new(),
                    complete: false,
                };
                answer.tool_calls.update(|calls| calls.push(call));
            }
            ChatEvent::ToolCallDelta { index, arguments } => answer.tool_calls.update(|calls| {
                if let Some(call) = calls.iter_mut().find(|c| c.index == index) {
                    call.arguments.push_str(&arguments);
                }
            }),
            ChatEvent::ToolCallEnd { index } => answer.tool_calls.update(|calls| {
                if let Some(call) = calls.iter_mut().find(|c| c.index == index) {
                    call.complete = true;
                }
            }),
            ChatEvent::Usage(usage) => answer.usage.set(Some(usage)),
            ChatEvent::Done(stats) => {
                self.freeze_rest();
                let status = match stats.finish_reason {
                    FinishReason::Stopped => MessageStatus::Stopped,
                    FinishReason::Interrupted => MessageStatus::Interrupted,
                    _ => MessageStatus::Done,
                };
                answer.stats.set(Some(stats));
                answer.status.set(status);
                self.session.reconnecting.set(false);
                return true;
            }
            ChatEvent::Error { message } => {
                self.fail(answer_failure(message));
                return true;
            }
            ChatEvent::Stored { message } => {
                answer.reset_rendering();
                answer.apply_stored(&message);
                if answer.status.get_untracked() == MessageStatus::Elsewhere {
                    // Stored as streaming with no live turn: its writer failed; the next start
                    // marks it interrupted, so show it that way now rather than follow again.
                    answer.status.set(MessageStatus::Interrupted);
                }
                self.session.reconnecting.set(false);
                return true;
            }
        }
        false
    }

    /// Asks the server for the rest of the turn, with growing pauses. Fails with the server's
    /// words when it refuses (the turn is gone for good), with `None` when there is no turn to
    /// resume or every try failed to reach the server.
    async fn reconnect(&mut self) -> Result<ChatEventStream<ApiError>, Option<ApiError>> {
        let answer_id = self.answer.server_id.get_untracked();
        if self.turn_id.is_none() && answer_id.is_none() {
            return Err(None);
        }
        self.session.reconnecting.set(true);
        while self.tries_left > 0 {
            self.tries_left -= 1;
            sleep(backoff(MAX_RECONNECTS - self.tries_left - 1)).await;
            let (turn_id, after) = (self.turn_id.clone(), self.last_seq);
            match resume_turn(turn_id, answer_id.clone(), after, Some(MERGE_MS)).await {
                Ok(stream) => return Ok(stream),
                // Not reached (network, a proxy's page): try again; refused: give up.
                Err(error) if error.kind == ErrorKind::Unreachable => continue,
                Err(refusal) => {
                    self.session.reconnecting.set(false);
                    return Err(Some(refusal));
                }
            }
        }
        self.session.reconnecting.set(false);
        Err(None)
    }

    /// Commits the unfinished tail as final blocks.
    fn freeze_rest(&mut self) {
        self.answer.push_blocks(self.markdown.finish());
        self.answer.tail.update(StreamTail::clear);
    }

    /// Marks the answer failed, keeping its partial text.
    fn fail(&mut self, error: ApiError) {
        self.freeze_rest();
        self.session.reconnecting.set(false);
        self.answer.error.set(Some(error));
        self.answer.status.set(MessageStatus::Error);
    }
}

/// Pause before reconnection attempt `attempt` (0-based): 0.25 s, 0.5 s, 1 s, … up to 4 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64 << attempt.min(4))
}

/// Completes after `duration` (a browser timer).
async fn sleep(duration: Duration) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        duration,
    );
    let _ = wait.await;
}

/// Moves a waiting message to streaming (the first output arrived).
fn mark_streaming(entry: MessageEntry) {
    if entry.status.get_untracked() == MessageStatus::Waiting {
        entry.status.set(MessageStatus::Streaming);
    }
}
