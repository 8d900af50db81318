//! Types shared by the server and the browser: the chat request, the models on offer and the
//! typed events (`ChatEvent`) that a streaming answer is made of.
//!
//! These are the vocabulary of the SSE wire format (see `codec`): each `ChatEvent` becomes one
//! frame whose `event:` is [`ChatEvent::kind`] and whose `data:` is the JSON of the variant.

use crate::ids::{ConversationId, MessageId, TurnId};
use serde::{Deserialize, Serialize};

/// Who wrote a message in the conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Instructions that frame the whole conversation.
    System,
    /// The person typing into the composer.
    User,
    /// The model.
    Assistant,
}

/// One message of the conversation sent to the model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Author of the message; providers map it to their own role names.
    pub role: Role,
    /// Plain text (Markdown) of the message.
    pub content: String,
    /// Temporary chats: files uploaded with `POST /api/attachments` that go with this message
    /// (the server reads them by id for the request's user; omitted or empty: none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::ids::AttachmentId>,
}

/// Why the model stopped. On the wire it is one bare word, the name [`FinishReason::as_stored`]
/// gives (a reason this version does not know travels as the provider's own word, so clients
/// never meet an object where the documentation promises a string).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum FinishReason {
    /// The model finished its answer.
    Stop,
    /// The token limit cut the answer.
    Length,
    /// The model wants to call tools.
    ToolCalls,
    /// The provider's content filter cut the answer.
    ContentFilter,
    /// The user (or the browser going away) stopped the answer.
    Stopped,
    /// An error ended the answer.
    Error,
    /// The server shut down before the answer finished (stored as `interrupted`).
    Interrupted,
    /// A reason this version does not know, kept verbatim.
    Other(String),
}

impl From<FinishReason> for String {
    fn from(reason: FinishReason) -> String {
        reason.as_stored().to_string()
    }
}

impl From<String> for FinishReason {
    fn from(name: String) -> FinishReason {
        FinishReason::from_stored(&name)
    }
}

impl FinishReason {
    /// Maps an OpenAI-style `finish_reason` string.
    pub fn from_openai(reason: &str) -> Self {
        match reason {
            "stop" => Self::Stop,
            "length" => Self::Length,
            "tool_calls" | "function_call" => Self::ToolCalls,
            "content_filter" => Self::ContentFilter,
            other => Self::Other(other.to_string()),
        }
    }

    /// The name stored with an answer (the OpenAI-style names, plus `stopped` and `error`).
    pub fn as_stored(&self) -> &str {
        match self {
            Self::Stop => "stop",
            Self::Length => "length",
            Self::ToolCalls => "tool_calls",
            Self::ContentFilter => "content_filter",
            Self::Stopped => "stopped",
            Self::Error => "error",
            Self::Interrupted => "interrupted",
            Self::Other(other) => other,
        }
    }

    /// Reads a name written by [`Self::as_stored`].
    pub fn from_stored(name: &str) -> Self {
        match name {
            "stopped" => Self::Stopped,
            "error" => Self::Error,
            "interrupted" => Self::Interrupted,
            other => Self::from_openai(other),
        }
    }

    /// Short text shown to the reader next to a finished answer.
    pub fn label(&self) -> &str {
        match self {
            Self::Stop => "done",
            Self::Length => "stopped: token limit",
            Self::ToolCalls => "tool call requested",
            Self::ContentFilter => "stopped by the provider's content filter",
            Self::Stopped => "Stopped",
            Self::Error => "error",
            Self::Interrupted => "interrupted by a server restart",
            Self::Other(other) => other,
        }
    }
}

/// Token counts reported by the provider.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Tokens in the prompt (the whole conversation sent).
    pub input_tokens: u64,
    /// Tokens the model generated.
    pub output_tokens: u64,
    /// Of the output, tokens spent on hidden reasoning, where the provider says.
    pub reasoning_tokens: Option<u64>,
}

/// A model the site can talk to, as shown in the model picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Stable id `provider/model`, sent back with each chat request.
    pub id: String,
    /// Human name shown in the picker.
    pub label: String,
    /// Provider name, used to group the picker.
    pub provider: String,
    /// True for the built-in offline demo model, which the page labels clearly.
    pub is_demo: bool,
    /// True when the model takes images (the provider says so, or the `vision` setting): the
    /// picker marks it, and an image sent to a model without it is refused before any request.
    #[serde(default)]
    pub vision: bool,
}

/// What a streaming request asks for in a stored conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TurnAction {
    /// A new user message, answered. `parent_id` is the answer it follows (`None`: the first
    /// message); the parent of an existing user message makes an edit, stored as its sibling.
    Send {
        /// The message it follows.
        #[serde(default)]
        parent_id: Option<MessageId>,
        /// The message text.
        content: String,
        /// Files uploaded with `POST /api/attachments` (or kept from the message an edit
        /// replaces), in the order shown; omitted or empty: none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<crate::ids::AttachmentId>,
    },
    /// Another answer to a user message, stored as a sibling of the earlier ones.
    Regenerate {
        /// The user message to answer again.
        user_message_id: MessageId,
    },
    /// Continues an answer (cut by the token limit), appending to the same message.
    Continue {
        /// The answer to continue.
        answer_id: MessageId,
    },
}

/// Where a stored turn's messages live, sent in the `started` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTurn {
    /// The conversation (new when the request named none).
    pub conversation_id: ConversationId,
    /// Its title (derived from the first message for a new conversation).
    pub title: String,
    /// The user message answered (new for `send`).
    pub user_message_id: MessageId,
    /// The answer being written.
    pub answer_id: MessageId,
    /// Bytes of text the answer already had when this turn began (Continue): a page that
    /// follows the turn from its start keeps that much of the stored text, then appends.
    #[serde(default)]
    pub prefix_bytes: usize,
}

/// Timing of a finished answer, measured on the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DoneStats {
    /// Why the answer ended.
    pub finish_reason: FinishReason,
    /// Milliseconds from the request to the first text token, if any arrived.
    pub ttft_ms: Option<u64>,
    /// Output tokens per second after the first token (provider count, or an estimate).
    pub tokens_per_second: Option<f64>,
    /// Output tokens (provider count, or an estimate when the provider gave none).
    pub output_tokens: u64,
}

/// One event of a streaming answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatEvent {
    /// The turn exists on the server; `turn_id` is what the stop endpoint takes.
    Started {
        /// Server-assigned id of this generation.
        turn_id: TurnId,
        /// The model id (`provider/model`) answering.
        model: String,
        /// Where the answer is stored (absent for a temporary chat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stored: Option<StoredTurn>,
    },
    /// A piece of answer text, to append.
    Delta {
        /// The text to append (never splits a UTF-8 character).
        text: String,
    },
    /// A piece of the model's reasoning ("thinking"), shown apart from the answer.
    Reasoning {
        /// The reasoning text to append.
        text: String,
    },
    /// The model starts a tool call.
    ToolCallStart {
        /// Position of the call in this answer; later tool events refer to it.
        index: u32,
        /// Provider-assigned call id, if any.
        id: Option<String>,
        /// The tool's name.
        name: String,
    },
    /// More of a tool call's JSON arguments (valid JSON only once the call ends).
    ToolCallDelta {
        /// Which call.
        index: u32,
        /// The next fragment of the arguments.
        arguments: String,
    },
    /// A tool call's arguments are complete.
    ToolCallEnd {
        /// Which call.
        index: u32,
    },
    /// Token counts, when the provider reports them.
    Usage(Usage),
    /// The answer ended normally or was stopped.
    Done(DoneStats),
    /// The answer ended with an error; text already sent stays valid.
    Error {
        /// A message safe to show a user (no keys, no raw provider JSON).
        message: String,
    },
    /// Sent instead of the turn's events to a reader resuming a turn that has ended: the
    /// answer as stored, to replace what the reader had. Always the last event of a stream.
    Stored {
        /// The stored answer (text, status, error, statistics).
        message: Box<crate::conversation::Message>,
    },
}

impl ChatEvent {
    /// The SSE `event:` name of this variant.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Started { .. } => "started",
            Self::Stored { .. } => "stored",
            Self::Delta { .. } => "delta",
            Self::Reasoning { .. } => "reasoning",
            Self::ToolCallStart { .. } => "tool_call_start",
            Self::ToolCallDelta { .. } => "tool_call_delta",
            Self::ToolCallEnd { .. } => "tool_call_end",
            Self::Usage(_) => "usage",
            Self::Done(_) => "done",
            Self::Error { .. } => "error",
        }
    }

    /// True for the events after which nothing more follows.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Done(_) | Self::Error { .. } | Self::Stored { .. }
        )
    }
}
