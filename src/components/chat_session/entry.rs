//! One message on screen ([`MessageEntry`]): every field a signal so views update in place,
//! its place in the conversation tree (local parent id, server id once stored) and its
//! rendering state (frozen Markdown blocks plus the unfinished tail), its time and the user's
//! rating of it.

use crate::api_error::{ApiError, ErrorKind};
use crate::conversation::{Message, MessageStatus as StoredStatus};
use crate::events::{DoneStats, FinishReason, Role, Usage};
use crate::feedback::MessageFeedback;
use crate::ids::MessageId;
use crate::markdown::{merge_blocks, Block, IncrementalMarkdown, StreamTail};
use leptos::prelude::*;
use sluice_wire::attachments::AttachmentMeta;

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
    /// The server stopped mid-answer (crash or restart); partial text kept.
    Interrupted,
    /// Loaded while still being written by a turn; the page starts following it at once
    /// (this status lasts until the turn's events arrive).
    Elsewhere,
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
            Self::Interrupted => "interrupted",
            Self::Elsewhere => "elsewhere",
        }
    }

    /// True while this page is receiving the message.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Waiting | Self::Streaming)
    }
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

/// One message on screen. Every field is a signal or plain copy data, so the struct is `Copy`.
#[derive(Clone, Copy)]
pub struct MessageEntry {
    /// Stable local key for lists and the tree.
    pub id: u64,
    /// Local id of the message this one follows (`None`: a root).
    pub parent: Option<u64>,
    /// Author.
    pub role: Role,
    /// The id in the database, once the server stored the message.
    pub server_id: RwSignal<Option<MessageId>>,
    /// The full raw text.
    pub text: RwSignal<String>,
    /// Frozen Markdown blocks, rendered once each.
    pub blocks: RwSignal<Vec<Block>>,
    /// The unfinished tail (its generation tells the view whether it only grew).
    pub tail: RwSignal<StreamTail>,
    /// Life-cycle state.
    pub status: RwSignal<MessageStatus>,
    /// Timings once done.
    pub stats: RwSignal<Option<DoneStats>>,
    /// Why the answer failed, shown under it; its kind says whether signing in would help.
    pub error: RwSignal<Option<ApiError>>,
    /// The model's reasoning ("thinking"), shown collapsible above the answer.
    pub reasoning: RwSignal<String>,
    /// Tool calls the model made, growing live.
    pub tool_calls: RwSignal<Vec<ToolCallState>>,
    /// Token counts reported for this answer.
    pub usage: RwSignal<Option<Usage>>,
    /// When it was written, unix ms (the stored time; for a message of this page, when it
    /// appeared), for the relative timestamp under it.
    pub created_at: RwSignal<i64>,
    /// The user's own rating of this answer, as stored (shown by the thumbs).
    pub feedback: RwSignal<Option<MessageFeedback>>,
    /// The files sent with a user message (thumbnails and chips under its text; an edit
    /// starts from them).
    pub attachments: RwSignal<Vec<AttachmentMeta>>,
    /// Added to Markdown block ids so a continued answer never reuses the keys (and so the
    /// DOM) of its earlier rendering.
    block_id_base: StoredValue<u64>,
}

impl MessageEntry {
    /// A new message with the given text and status.
    pub fn new(
        id: u64,
        parent: Option<u64>,
        role: Role,
        text: &str,
        status: MessageStatus,
    ) -> Self {
        Self {
            id,
            parent,
            role,
            server_id: RwSignal::new(None),
            text: RwSignal::new(text.to_string()),
            blocks: RwSignal::new(Vec::new()),
            tail: RwSignal::new(StreamTail::default()),
            status: RwSignal::new(status),
            stats: RwSignal::new(None),
            error: RwSignal::new(None),
            reasoning: RwSignal::new(String::new()),
            tool_calls: RwSignal::new(Vec::new()),
            usage: RwSignal::new(None),
            created_at: RwSignal::new(crate::time_text::now_ms()),
            feedback: RwSignal::new(None),
            attachments: RwSignal::new(Vec::new()),
            block_id_base: StoredValue::new(0),
        }
    }

    /// The entry for a stored message, its Markdown rendered whole.
    pub fn from_stored(id: u64, parent: Option<u64>, message: &Message) -> Self {
        let entry = Self::new(id, parent, message.role, "", MessageStatus::Waiting);
        entry.server_id.set(Some(message.id.clone()));
        entry.apply_stored(message);
        entry
    }

    /// Shows the stored `message` (text, attachments, status, error, statistics) in this entry, whose
    /// rendering must be empty (new, or after [`Self::reset_rendering`]).
    pub fn apply_stored(&self, message: &Message) {
        let status = match message.status {
            StoredStatus::Complete => MessageStatus::Done,
            StoredStatus::Streaming => MessageStatus::Elsewhere,
            StoredStatus::Stopped => MessageStatus::Stopped,
            StoredStatus::Error => MessageStatus::Error,
            StoredStatus::Interrupted => MessageStatus::Interrupted,
        };
        self.text.set(message.content.clone());
        self.status.set(status);
        self.created_at.set(message.created_at);
        self.attachments.set(message.attachments.clone());
        if message.role != Role::Assistant {
            return;
        }
        let mut markdown = IncrementalMarkdown::new();
        let mut blocks = markdown.push(&message.content);
        blocks.extend(markdown.finish());
        self.push_blocks(blocks);
        self.error.set(message.error.clone().map(answer_failure));
        let stats = &message.stats;
        if status == MessageStatus::Done || status == MessageStatus::Stopped {
            let finish_reason = match (&stats.finish_reason, status) {
                (Some(reason), _) => FinishReason::from_stored(reason),
                (None, MessageStatus::Stopped) => FinishReason::Stopped,
                (None, _) => FinishReason::Stop,
            };
            self.stats.set(Some(DoneStats {
                finish_reason,
                ttft_ms: stats.ttft_ms.and_then(|n| u64::try_from(n).ok()),
                tokens_per_second: stats.tokens_per_second,
                output_tokens: stats
                    .output_tokens
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
            }));
        }
        if let (Some(input), Some(output)) = (stats.input_tokens, stats.output_tokens) {
            self.usage.set(Some(Usage {
                input_tokens: u64::try_from(input).unwrap_or(0),
                output_tokens: u64::try_from(output).unwrap_or(0),
                reasoning_tokens: stats.reasoning_tokens.and_then(|n| u64::try_from(n).ok()),
            }));
        }
    }

    /// Appends frozen blocks (or swaps in new renderings of earlier ones), with ids made
    /// unique for this rendering.
    pub fn push_blocks(&self, blocks: Vec<Block>) {
        if blocks.is_empty() {
            return;
        }
        let base = self.block_id_base.get_value();
        let blocks = blocks
            .into_iter()
            .map(|b| Block {
                id: b.id + base,
                replaces: b.replaces.map(|id| id + base),
                ..b
            })
            .collect();
        self.blocks.update(|all| merge_blocks(all, blocks));
    }

    /// Clears the rendered answer for a new rendering (continue).
    pub fn reset_rendering(&self) {
        self.block_id_base.update_value(|base| *base += 1 << 32);
        self.blocks.set(Vec::new());
        self.tail.update(StreamTail::clear);
        self.stats.set(None);
        self.error.set(None);
        self.status.set(MessageStatus::Waiting);
    }
}

/// An answer that failed on its way from the model (its `error` event, or the error text
/// stored with it): the request itself was accepted, so signing in would not help.
pub fn answer_failure(message: String) -> ApiError {
    ApiError::new(ErrorKind::Unavailable, message)
}
