//! The client-side chat state machine: the messages on screen, sending, consuming the SSE
//! stream into incremental Markdown, Stop and Retry.
//!
//! Stop aborts the task that reads the response (dropping the fetch body) and calls the stop
//! server function, so the server drops the upstream request even if the browser's abort is
//! slow to reach it.

use crate::api::{stop_turn, stream_chat};
use crate::codec::StreamItem;
use crate::events::{ChatEvent, ChatMessage, DoneStats, FinishReason, Role, Usage};
use crate::markdown::{Block, IncrementalMarkdown};
use futures::future::{AbortHandle, Abortable};
use futures::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use server_fn::ServerFnError;

/// Where a message is in its life; also written to `data-status` for tests and styling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStatus {
    /// Sent, no token yet (the typing indicator shows).
    Waiting,
    /// Tokens are arriving.
    Streaming,
    /// Finished normally.
    Done,
    /// Stopped by the user.
    Stopped,
    /// Ended by an error; partial text kept.
    Error,
}

impl MessageStatus {
    /// The `data-status` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Streaming => "streaming",
            Self::Done => "done",
            Self::Stopped => "stopped",
            Self::Error => "error",
        }
    }
}

/// One message on screen. Every field is a signal, so the struct is `Copy`.
#[derive(Clone, Copy)]
pub struct MessageEntry {
    /// Stable key for the list.
    pub id: u64,
    /// Author.
    pub role: Role,
    /// The full raw text, sent back as history.
    pub text: RwSignal<String>,
    /// Frozen Markdown blocks, rendered once each.
    pub blocks: RwSignal<Vec<Block>>,
    /// The unfinished tail, re-rendered on every update.
    pub tail: RwSignal<String>,
    /// Life-cycle state.
    pub status: RwSignal<MessageStatus>,
    /// Timings once done.
    pub stats: RwSignal<Option<DoneStats>>,
    /// Error text shown under a failed answer.
    pub error: RwSignal<Option<String>>,
    /// The model's reasoning ("thinking"), shown collapsible above the answer.
    pub reasoning: RwSignal<String>,
    /// Tool calls the model made, growing live.
    pub tool_calls: RwSignal<Vec<ToolCallState>>,
    /// Token counts reported for this answer.
    pub usage: RwSignal<Option<Usage>>,
    /// Added to Markdown block ids so a regenerated or continued answer never reuses the keys
    /// (and so the DOM) of its earlier rendering.
    block_id_base: StoredValue<u64>,
}

/// One tool call as shown while it streams.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolCallState {
    /// Position among the answer's tool calls.
    pub index: u32,
    /// The tool's name.
    pub name: String,
    /// Arguments received so far (a JSON prefix).
    pub arguments: String,
    /// True once the arguments are complete.
    pub complete: bool,
}

impl MessageEntry {
    /// A new message with the given text and status.
    fn new(id: u64, role: Role, text: &str, status: MessageStatus) -> Self {
        Self {
            id,
            role,
            text: RwSignal::new(text.to_string()),
            blocks: RwSignal::new(Vec::new()),
            tail: RwSignal::new(String::new()),
            status: RwSignal::new(status),
            stats: RwSignal::new(None),
            error: RwSignal::new(None),
            reasoning: RwSignal::new(String::new()),
            tool_calls: RwSignal::new(Vec::new()),
            usage: RwSignal::new(None),
            block_id_base: StoredValue::new(0),
        }
    }

    /// Appends frozen blocks, with ids made unique for this rendering.
    fn push_blocks(&self, blocks: Vec<Block>) {
        if blocks.is_empty() {
            return;
        }
        let base = self.block_id_base.get_value();
        self.blocks.update(|all| {
            all.extend(blocks.into_iter().map(|b| Block {
                id: b.id + base,
                source: b.source,
            }))
        });
    }

    /// Clears the rendered answer for a new rendering (retry or continue).
    fn reset_rendering(&self) {
        self.block_id_base.update_value(|base| *base += 1 << 32);
        self.blocks.set(Vec::new());
        self.tail.set(String::new());
        self.stats.set(None);
        self.error.set(None);
        self.status.set(MessageStatus::Waiting);
    }
}

/// The answer being generated right now.
struct ActiveTurn {
    /// Aborts the task reading the stream.
    abort: AbortHandle,
    /// The server's turn id, once the `started` event arrived.
    turn_id: Option<String>,
    /// The assistant message being written.
    message_id: u64,
}

/// The chat state shared by the page's components (all handles, so `Copy`).
#[derive(Clone, Copy)]
pub struct ChatSession {
    /// Messages in order.
    pub messages: RwSignal<Vec<MessageEntry>>,
    /// True while an answer streams (Send becomes Stop).
    pub streaming: RwSignal<bool>,
    /// The running turn, for Stop.
    active: StoredValue<Option<ActiveTurn>>,
    /// Next message id.
    next_id: StoredValue<u64>,
}

impl Default for ChatSession {
    fn default() -> Self {
        Self::new()
    }
}

impl ChatSession {
    /// An empty conversation.
    pub fn new() -> Self {
        Self {
            messages: RwSignal::new(Vec::new()),
            streaming: RwSignal::new(false),
            active: StoredValue::new(None),
            next_id: StoredValue::new(1),
        }
    }

    /// Allocates a message id.
    fn allocate_id(&self) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        id
    }

    /// Sends a user message and starts the answer with `model`.
    pub fn send(&self, text: String, model: Option<String>) {
        if self.streaming.get_untracked() || text.trim().is_empty() {
            return;
        }
        let user = MessageEntry::new(self.allocate_id(), Role::User, &text, MessageStatus::Done);
        let assistant = MessageEntry::new(
            self.allocate_id(),
            Role::Assistant,
            "",
            MessageStatus::Waiting,
        );
        self.messages.update(|m| {
            m.push(user);
            m.push(assistant);
        });
        self.start(assistant, model, None);
    }

    /// Regenerates a failed or stopped answer in place.
    pub fn retry(&self, message_id: u64, model: Option<String>) {
        if self.streaming.get_untracked() {
            return;
        }
        let entry = self
            .messages
            .with_untracked(|m| m.iter().find(|e| e.id == message_id).copied());
        if let Some(entry) = entry {
            entry.text.set(String::new());
            entry.reasoning.set(String::new());
            entry.tool_calls.set(Vec::new());
            entry.usage.set(None);
            entry.reset_rendering();
            self.start(entry, model, None);
        }
    }

    /// Continues an answer cut by the token limit: the model gets the partial answer and is
    /// asked to go on; the new text is appended to the same message.
    pub fn continue_answer(&self, message_id: u64, model: Option<String>) {
        if self.streaming.get_untracked() {
            return;
        }
        if let Some(entry) = self.find(message_id) {
            entry.reset_rendering();
            self.start(entry, model, Some(entry.text.get_untracked()));
        }
    }

    /// Stops the running answer: aborts the stream read and tells the server.
    pub fn stop(&self) {
        let Some(active) = self.active.try_update_value(Option::take).flatten() else {
            return;
        };
        active.abort.abort();
        self.streaming.set(false);
        if let Some(entry) = self.find(active.message_id) {
            if matches!(
                entry.status.get_untracked(),
                MessageStatus::Waiting | MessageStatus::Streaming
            ) {
                entry.status.set(MessageStatus::Stopped);
            }
        }
        if let Some(turn_id) = active.turn_id {
            spawn_local(async move {
                // The read was aborted already; this makes the server drop the upstream at once.
                let _ = stop_turn(turn_id).await;
            });
        }
    }

    /// Starts a new, empty conversation (stopping any running answer first).
    pub fn clear(&self) {
        self.stop();
        self.messages.set(Vec::new());
    }

    /// Finds a message by id.
    fn find(&self, id: u64) -> Option<MessageEntry> {
        self.messages
            .with_untracked(|m| m.iter().find(|e| e.id == id).copied())
    }

    /// The conversation history to send for an answer written into `answer`.
    fn history_before(&self, answer: u64) -> Vec<ChatMessage> {
        self.messages.with_untracked(|messages| {
            messages
                .iter()
                .take_while(|e| e.id != answer)
                .filter(|e| {
                    e.role == Role::User || e.status.get_untracked() != MessageStatus::Error
                })
                .map(|e| ChatMessage {
                    role: e.role,
                    content: e.text.get_untracked(),
                })
                .filter(|m| !m.content.is_empty())
                .collect()
        })
    }

    /// Starts streaming into `entry`; with `partial`, the answer so far is sent back to the
    /// model to continue and kept in front of the new text.
    fn start(&self, entry: MessageEntry, model: Option<String>, partial: Option<String>) {
        let mut history = self.history_before(entry.id);
        if let Some(partial) = &partial {
            history.push(ChatMessage {
                role: Role::Assistant,
                content: partial.clone(),
            });
            history.push(ChatMessage {
                role: Role::User,
                content: CONTINUE_PROMPT.to_string(),
            });
        }
        let (abort, registration) = AbortHandle::new_pair();
        self.active.set_value(Some(ActiveTurn {
            abort,
            turn_id: None,
            message_id: entry.id,
        }));
        self.streaming.set(true);
        let session = *self;
        spawn_local(async move {
            let run = session.consume(entry, model, history, partial.unwrap_or_default());
            let finished = Abortable::new(run, registration).await;
            if finished.is_ok() {
                session.active.set_value(None);
                session.streaming.set(false);
            }
        });
    }

    /// Reads the answer stream into `entry` until it ends.
    async fn consume(
        self,
        entry: MessageEntry,
        model: Option<String>,
        history: Vec<ChatMessage>,
        prefix: String,
    ) {
        let mut markdown = IncrementalMarkdown::new();
        if !prefix.is_empty() {
            entry.push_blocks(markdown.push(&prefix));
            entry.tail.set(markdown.tail().to_string());
        }
        let stream = match stream_chat(model, Some(history), None, None, None).await {
            Ok(stream) => stream,
            Err(error) => return fail(entry, &mut markdown, server_error_text(&error)),
        };
        let mut items = Box::pin(stream.into_inner());
        while let Some(item) = items.next().await {
            let event = match item {
                Ok(StreamItem::Event { event, .. }) => event,
                Ok(StreamItem::KeepAlive) => continue,
                Err(error) => {
                    return fail(
                        entry,
                        &mut markdown,
                        format!("Connection lost: {}", server_error_text(&error)),
                    )
                }
            };
            match event {
                ChatEvent::Started { turn_id, .. } => {
                    self.active.update_value(|active| {
                        if let Some(active) = active.as_mut().filter(|a| a.message_id == entry.id) {
                            active.turn_id = Some(turn_id);
                        }
                    });
                }
                ChatEvent::Delta { text } => {
                    mark_streaming(entry);
                    entry.text.update(|t| t.push_str(&text));
                    entry.push_blocks(markdown.push(&text));
                    entry.tail.set(markdown.tail().to_string());
                }
                ChatEvent::Reasoning { text } => {
                    mark_streaming(entry);
                    entry.reasoning.update(|r| r.push_str(&text));
                }
                ChatEvent::ToolCallStart { index, name, .. } => {
                    mark_streaming(entry);
                    let call = ToolCallState {
                        index,
                        name,
                        arguments: String::new(),
                        complete: false,
                    };
                    entry.tool_calls.update(|calls| calls.push(call));
                }
                ChatEvent::ToolCallDelta { index, arguments } => entry.tool_calls.update(|calls| {
                    if let Some(call) = calls.iter_mut().find(|c| c.index == index) {
                        call.arguments.push_str(&arguments);
                    }
                }),
                ChatEvent::ToolCallEnd { index } => entry.tool_calls.update(|calls| {
                    if let Some(call) = calls.iter_mut().find(|c| c.index == index) {
                        call.complete = true;
                    }
                }),
                ChatEvent::Usage(usage) => entry.usage.set(Some(usage)),
                ChatEvent::Done(stats) => {
                    freeze_rest(entry, &mut markdown);
                    let status = if stats.finish_reason == FinishReason::Stopped {
                        MessageStatus::Stopped
                    } else {
                        MessageStatus::Done
                    };
                    entry.stats.set(Some(stats));
                    entry.status.set(status);
                    return;
                }
                ChatEvent::Error { message } => return fail(entry, &mut markdown, message),
            }
        }
        fail(
            entry,
            &mut markdown,
            "The connection closed before the answer finished.".to_string(),
        );
    }
}

/// What the model is told when asked to continue an answer cut by the token limit.
const CONTINUE_PROMPT: &str =
    "Continue your previous answer exactly where it stopped. Do not repeat anything already written.";

/// Moves a waiting message to streaming (the first output arrived).
fn mark_streaming(entry: MessageEntry) {
    if entry.status.get_untracked() == MessageStatus::Waiting {
        entry.status.set(MessageStatus::Streaming);
    }
}

/// Commits the unfinished tail as final blocks.
fn freeze_rest(entry: MessageEntry, markdown: &mut IncrementalMarkdown) {
    entry.push_blocks(markdown.finish());
    entry.tail.set(String::new());
}

/// Marks `entry` failed, keeping its partial text.
fn fail(entry: MessageEntry, markdown: &mut IncrementalMarkdown, message: String) {
    freeze_rest(entry, markdown);
    entry.error.set(Some(message));
    entry.status.set(MessageStatus::Error);
}

/// The user-facing text of a server function error.
pub(crate) fn server_error_text(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        ServerFnError::Request(_) | ServerFnError::Response(_) => {
            "Could not reach the Sluice server.".to_string()
        }
        other => other.to_string(),
    }
}
