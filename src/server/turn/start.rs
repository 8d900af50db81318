//! Starts one answer ("turn"): validates the request (a stored conversation's through
//! `turn::stored`), registers a [`LiveTurn`], asks the provider for a stream and spawns the
//! task (`turn::task`) that turns provider events into sequenced [`ChatEvent`]s with timings and a
//! final `done` or `error`. The request that started the turn is simply its first reader.
//!
//! The turn driver owns the provider stream, so when the turn is cancelled — Stop from any
//! tab, every reader gone for the grace period, or shutdown — the upstream request is dropped
//! at once.

use crate::chat_request::{StoredChat, TemporaryChat};
use crate::codec::StreamItem;
use crate::events::{ChatEvent, DoneStats, FinishReason, StoredTurn, Usage};
use crate::providers::{InputMessage, ProviderEvent, ProviderRequest, ProviderStream};
use crate::server::cluster::relay::Relay;
use crate::server::error::AppError;
use crate::server::limits::answer_budget::AnswerBudget;
use crate::server::limits::stream_slots::StreamSlot;
use crate::server::metrics::answer_meter::{
    model_label, provider_error_kind, AnswerEnd, AnswerMeter, AnswerOutcome, StopCause,
};
use crate::server::state::AppState;
use crate::server::turn::files;
use crate::server::turn::live::{CancelReason, LiveTurn};
use crate::server::turn::recorder::AnswerRecorder;
use crate::server::turn::registry::RegisterError;
use crate::server::turn::stored;
use crate::server::turn::task;
use crate::server::turn::temporary;
use crate::store::{AnswerWriter, UserId};
use futures::{stream, Stream, StreamExt};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;

/// Checks a temporary-chat request (the whole history in the request, nothing stored; its
/// files are the user's pending uploads, which stay pending) and starts its turn. `merge` is
/// the first reader's minimum gap between frames ([`LiveTurn::subscribe_merged`]).
pub async fn start_turn(
    state: &AppState,
    user: UserId,
    request: TemporaryChat,
    slot: StreamSlot,
    merge: Duration,
) -> Result<impl Stream<Item = StreamItem> + Send + 'static, AppError> {
    let reader = FirstReader {
        merge,
        requested_at: Instant::now(),
    };
    refuse_while_closing(state)?;
    let TemporaryChat { model, messages } = request;
    temporary::validate(
        &messages,
        &state.config.server,
        files::max_files_per_message(state),
    )?;
    let model_id = match model.filter(|m| !m.trim().is_empty()) {
        Some(model) => model,
        None => state
            .catalog
            .default_model()
            .ok_or_else(|| AppError::BadRequest("No model is configured.".to_string()))?,
    };
    let messages = temporary::load_files(state, user, &model_id, messages).await?;
    drive(state, user, model_id, messages, None, slot, reader)
}

/// Checks a request in a stored conversation, stores the user's message and the answer row,
/// and starts the turn that writes the answer (first reader: see [`start_turn`]).
pub async fn start_stored_turn(
    state: &AppState,
    user: UserId,
    request: StoredChat,
    slot: StreamSlot,
    merge: Duration,
) -> Result<impl Stream<Item = StreamItem> + Send + 'static, AppError> {
    let reader = FirstReader {
        merge,
        requested_at: Instant::now(),
    };
    refuse_while_closing(state)?;
    let prepared = stored::prepare(state, user, request).await?;
    let writer = AnswerWriter::new(
        state.store.clone(),
        user,
        &prepared.answer,
        Instant::now().into_std(),
    )
    .with_interval(state.config.storage.flush_interval);
    let budget = AnswerBudget::new(
        state.config.server.max_answer_bytes,
        prepared.answer.content.len(),
        prepared.quota_room,
    );
    drive(
        state,
        user,
        prepared.model_id,
        prepared.history,
        Some((prepared.stored, AnswerRecorder::new(writer), budget)),
        slot,
        reader,
    )
}

/// How the turn's first reader is served, and when its request was admitted.
struct FirstReader {
    /// The reader's minimum gap between frames ([`LiveTurn::subscribe_merged`]).
    merge: Duration,
    /// When the request was admitted: time to first token and duration start here.
    requested_at: Instant,
}

/// Registers the turn as `user`'s (so only they can read or stop it), starts the provider
/// request inside the turn driver, which holds `slot` (the user's concurrent-stream count) until
/// the turn ends, spawns its task and returns its first reader (at most one frame per
/// `reader.merge`). The turn runs in a `turn` span (turn id, conversation id, model; never
/// text), the provider's stream in its `upstream` child span. A stored answer's output is bounded by its budget, a temporary chat's by
/// `max_answer_bytes`.
fn drive(
    state: &AppState,
    user: UserId,
    model_id: String,
    messages: Vec<InputMessage>,
    stored: Option<(StoredTurn, AnswerRecorder, AnswerBudget)>,
    slot: StreamSlot,
    reader: FirstReader,
) -> Result<impl Stream<Item = StreamItem> + Send + 'static, AppError> {
    let (provider, provider_model) = state
        .catalog
        .resolve(&model_id)
        .ok_or_else(|| AppError::NotFound(format!("Unknown model {model_id:?}.")))?;
    let answer_id = stored
        .as_ref()
        .map(|(stored, _, _)| stored.answer_id.clone());
    let turn = state
        .turns
        .register(user, answer_id)
        .map_err(|error| match error {
            RegisterError::ShuttingDown => shutting_down(),
            RegisterError::AnswerBusy => {
                AppError::Conflict("This answer is already being written.".to_string())
            }
        })?;
    let turn_id = turn.id.clone();
    let span = tracing::info_span!(
        "turn",
        turn_id = %turn_id,
        conversation_id = stored.as_ref().map(|(s, _, _)| s.conversation_id.to_string()),
        model = %model_id,
    );
    let upstream_span = tracing::info_span!(parent: &span, "upstream", provider = %provider.id());
    let meter = AnswerMeter::new(
        provider.id(),
        model_label(&state.catalog, &model_id),
        &turn_id,
        stored.as_ref().map(|(s, _, _)| s.answer_id.to_string()),
        reader.requested_at,
    );
    let upstream = provider.stream(ProviderRequest {
        model: provider_model,
        messages,
    });
    let (stored, recorder, budget) = match stored {
        Some((stored, recorder, budget)) => (Some(stored), recorder, budget),
        None => (
            None,
            AnswerRecorder::none(),
            AnswerBudget::new(state.config.server.max_answer_bytes, 0, None),
        ),
    };
    span.in_scope(|| {
        tracing::info!(%turn_id, model = %model_id, stored = stored.is_some(), "turn started");
    });
    let driver = TurnDriver {
        meter,
        span,
        upstream_span,
        stop_without_grace: state.config.turns.grace.is_zero(),
        upstream: Some(upstream),
        turn: Arc::clone(&turn),
        _slot: slot,
        recorder,
        budget,
        started_at: Instant::now(),
        first_token_at: None,
        text_events: 0,
        usage: None,
        finish: None,
        seq: 0,
        queue: VecDeque::from([ChatEvent::Started {
            turn_id,
            model: model_id,
            stored,
        }]),
        ended: false,
    };
    let first_reader = turn.subscribe_merged(0, state.config.server.keepalive, reader.merge);
    let relay = state
        .cluster
        .as_ref()
        .map(|cluster| Relay::new(cluster.clone(), Arc::clone(&turn)));
    task::spawn(
        state.turns.clone(),
        turn,
        stream::unfold(driver, TurnDriver::next_item),
        state.config.turns.grace,
        relay,
    );
    Ok(first_reader)
}

/// Refuses new turns once shutdown began (before anything is stored).
fn refuse_while_closing(state: &AppState) -> Result<(), AppError> {
    if state.turns.is_closing() {
        return Err(shutting_down());
    }
    Ok(())
}

/// The sentence refusing a turn during shutdown (a stop or a restart: the server cannot tell).
pub const SHUTTING_DOWN: &str =
    "Sluice is shutting down and takes no new answers; try again in a moment.";

/// The refusal of a turn during shutdown.
fn shutting_down() -> AppError {
    AppError::Unavailable(SHUTTING_DOWN.to_string())
}

/// State of one turn between stream items.
struct TurnDriver {
    /// What the answer records in the metrics and the log when it ends.
    meter: AnswerMeter,
    /// The turn's span, entered while the driver runs.
    span: tracing::Span,
    /// The provider call's span, a child of `span`, entered while waiting for the provider.
    upstream_span: tracing::Span,
    /// True when the grace period is zero: a turn abandoned by its readers was stopped by
    /// their disconnect, not by the grace period running out.
    stop_without_grace: bool,
    /// The provider's stream; `None` once dropped (stop, end, error).
    upstream: Option<ProviderStream>,
    /// The turn, for its cancel signal and reason.
    turn: Arc<LiveTurn>,
    /// Counts this answer among the user's live streams until the turn ends.
    _slot: StreamSlot,
    /// Stores the answer as it is sent (records nothing for a temporary chat).
    recorder: AnswerRecorder,
    /// What the answer may still produce (`max_answer_bytes`, storage quota).
    budget: AnswerBudget,
    /// When the request arrived, for time-to-first-token.
    started_at: Instant,
    /// When the first output (text, reasoning or a tool call) arrived, for TTFT and tokens/s.
    first_token_at: Option<Instant>,
    /// Text events seen, the token estimate when the provider reports no usage.
    text_events: u64,
    /// Usage reported by the provider.
    usage: Option<Usage>,
    /// Finish reason reported by the provider.
    finish: Option<FinishReason>,
    /// Sequence number of the last event sent.
    seq: u64,
    /// Events ready to send.
    queue: VecDeque<ChatEvent>,
    /// True once the terminal event is queued.
    ended: bool,
}

/// What happened while waiting for the upstream.
enum Wake {
    /// The turn was cancelled (Stop, abandoned, shutdown).
    Cancelled,
    /// The provider yielded an event, or ended (`None`).
    Upstream(Option<ProviderEvent>),
}

impl TurnDriver {
    /// Yields the next stream item, or `None` when the turn is over (inside the turn's span).
    async fn next_item(self) -> Option<(StreamItem, Self)> {
        let span = self.span.clone();
        self.next_item_in_span().instrument(span).await
    }

    /// [`Self::next_item`]'s work.
    async fn next_item_in_span(mut self) -> Option<(StreamItem, Self)> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                // Stored before it is sent: a browser that saw `done` finds the answer complete.
                self.recorder.observe(&event);
                if event.is_terminal() {
                    self.recorder.finish(&event).await;
                } else {
                    self.recorder.flush_if_due().await;
                }
                self.seq += 1;
                let item = StreamItem::Event {
                    seq: self.seq,
                    event,
                };
                return Some((item, self));
            }
            if self.ended {
                return None;
            }
            match self.wait().await {
                Wake::Cancelled => {
                    self.upstream = None;
                    let reason = self.turn.cancel_reason();
                    self.meter.stopped(match reason {
                        Some(CancelReason::Shutdown) => StopCause::Shutdown,
                        Some(CancelReason::Abandoned) if self.stop_without_grace => {
                            StopCause::Disconnect
                        }
                        Some(CancelReason::Abandoned) => StopCause::GraceExpiry,
                        Some(CancelReason::Stop) | None => StopCause::User,
                    });
                    self.finish = Some(match reason {
                        Some(CancelReason::Shutdown) => FinishReason::Interrupted,
                        _ => FinishReason::Stopped,
                    });
                    self.end_with_done();
                }
                Wake::Upstream(Some(event)) => self.on_provider_event(event),
                Wake::Upstream(None) => {
                    self.upstream = None;
                    if self.finish.is_none() {
                        self.end_with_error(
                            "cut_short",
                            "The provider ended the answer unexpectedly.".to_string(),
                        );
                    } else {
                        self.end_with_done();
                    }
                }
            }
        }
    }

    /// Waits for the provider or a cancellation, whichever is first.
    async fn wait(&mut self) -> Wake {
        let turn = Arc::clone(&self.turn);
        let Some(upstream) = self.upstream.as_mut() else {
            return Wake::Upstream(None);
        };
        let upstream_span = self.upstream_span.clone();
        tokio::select! {
            biased;
            _ = turn.cancelled() => Wake::Cancelled,
            next = upstream.next().instrument(upstream_span) => Wake::Upstream(next),
        }
    }

    /// Maps one provider event to chat events.
    fn on_provider_event(&mut self, event: ProviderEvent) {
        match event {
            ProviderEvent::Text(text) | ProviderEvent::Refusal(text) => {
                if text.is_empty() {
                    return;
                }
                self.first_token_at.get_or_insert_with(Instant::now);
                self.text_events += 1;
                self.within_budget(text, |text| ChatEvent::Delta { text });
            }
            ProviderEvent::Reasoning(text) => {
                if !text.is_empty() {
                    self.first_token_at.get_or_insert_with(Instant::now);
                    self.within_budget(text, |text| ChatEvent::Reasoning { text });
                }
            }
            ProviderEvent::ToolCallStart { index, id, name } => {
                self.first_token_at.get_or_insert_with(Instant::now);
                self.queue
                    .push_back(ChatEvent::ToolCallStart { index, id, name });
            }
            ProviderEvent::ToolCallDelta { index, arguments } => {
                self.within_budget(arguments, |arguments| ChatEvent::ToolCallDelta {
                    index,
                    arguments,
                });
            }
            ProviderEvent::ToolCallEnd { index } => {
                self.queue.push_back(ChatEvent::ToolCallEnd { index });
            }
            ProviderEvent::Usage(usage) => {
                self.usage = Some(usage.clone());
                self.queue.push_back(ChatEvent::Usage(usage));
            }
            ProviderEvent::Finish(reason) => self.finish = Some(reason),
            ProviderEvent::Error(error) => {
                self.upstream = None;
                tracing::warn!(kind = ?error.kind, "provider error: {}", error.message);
                self.meter.upstream_error(error.status);
                self.end_with_error(provider_error_kind(&error.kind), error.message);
            }
        }
    }

    /// Queues the part of `output` the answer's budget admits as `event`; when the budget
    /// runs out, drops the upstream and ends the answer with the budget's sentence.
    fn within_budget(&mut self, output: String, event: impl FnOnce(String) -> ChatEvent) {
        let (fits, reached) = {
            let (fits, reached) = self.budget.admit(&output);
            (fits.len(), reached)
        };
        let mut output = output;
        // `admit` cut on a character boundary.
        output.truncate(fits);
        if !output.is_empty() {
            self.queue.push_back(event(output));
        }
        if let Some(reason) = reached {
            tracing::info!(turn = %self.turn.id, "answer cut at its size limit");
            self.upstream = None;
            self.end_with_error("answer_limit", reason);
        }
    }

    /// Queues the final `done` event with timings.
    fn end_with_done(&mut self) {
        let now = Instant::now();
        let output_tokens = self
            .usage
            .as_ref()
            .map(|u| u.output_tokens)
            .filter(|n| *n > 0)
            .unwrap_or(self.text_events);
        let tokens_per_second = self.first_token_at.and_then(|first| {
            let seconds = now.duration_since(first).as_secs_f64();
            (seconds > 0.0 && output_tokens > 1).then(|| (output_tokens - 1) as f64 / seconds)
        });
        let finish_reason = self.finish.clone().unwrap_or(FinishReason::Stop);
        self.meter.finished(&AnswerEnd {
            outcome: match finish_reason {
                FinishReason::Stopped => AnswerOutcome::Stopped,
                FinishReason::Interrupted => AnswerOutcome::Interrupted,
                _ => AnswerOutcome::Complete,
            },
            first_token_at: self.first_token_at,
            tokens_per_second,
            output_tokens,
        });
        let stats = DoneStats {
            finish_reason,
            ttft_ms: self
                .first_token_at
                .map(|first| first.duration_since(self.started_at).as_millis() as u64),
            tokens_per_second,
            output_tokens,
        };
        self.queue.push_back(ChatEvent::Done(stats));
        self.ended = true;
    }

    /// Queues the final `error` event (`kind`: the metrics' `error_kind` label).
    fn end_with_error(&mut self, kind: &'static str, message: String) {
        self.meter.finished(&AnswerEnd {
            outcome: AnswerOutcome::Error(kind),
            first_token_at: self.first_token_at,
            tokens_per_second: None,
            output_tokens: self.text_events,
        });
        self.queue.push_back(ChatEvent::Error { message });
        self.ended = true;
    }
}
