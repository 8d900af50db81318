//! Why an imported file was refused. Each variant's text is a complete sentence for the user:
//! what is wrong, and where in the file (messages are numbered from 1 in file order).

/// A refused import; nothing was stored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file is over the byte limit (HTTP 413).
    #[error(
        "The file is too large ({}; the limit is {}).",
        size_words(.size),
        limit_words(.limit)
    )]
    TooLarge {
        /// Its size in bytes (shown rounded up).
        size: usize,
        /// The limit in bytes (shown rounded down).
        limit: usize,
    },
    /// The file holds more messages than one conversation may (HTTP 413).
    #[error("The file has too many messages ({count}; the limit is {limit}).")]
    TooManyMessages {
        /// How many it holds.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The file holds more JSON values than an export of that many messages could (a huge
    /// list in an unknown field), refused before it is parsed (HTTP 413).
    #[error(
        "The file holds too many JSON values (more than {limit}); a Sluice export has about 20 per message."
    )]
    TooManyValues {
        /// The limit for the message limit in force.
        limit: usize,
    },
    /// One message's text is over the per-message limit (HTTP 413).
    #[error(
        "Message {index} is too long ({}; the limit is {} per message).",
        size_words(.size),
        limit_words(.limit)
    )]
    MessageTooLong {
        /// 1-based position in the file.
        index: usize,
        /// Its size in bytes (shown rounded up).
        size: usize,
        /// The limit in bytes (shown rounded down).
        limit: usize,
    },
    /// The system prompt is over the per-message limit (HTTP 413).
    #[error(
        "The system prompt is too long ({}; the limit is {}).",
        size_words(.size),
        limit_words(.limit)
    )]
    SystemPromptTooLong {
        /// Its size in bytes (shown rounded up).
        size: usize,
        /// The limit in bytes (shown rounded down).
        limit: usize,
    },
    /// The bytes are not UTF-8 text.
    #[error("The file is not UTF-8 text, so it is not a Sluice export.")]
    NotUtf8,
    /// The text is not JSON.
    #[error("The file is not valid JSON ({0}).")]
    NotJson(String),
    /// JSON, but not a Sluice conversation export.
    #[error("The file is not a Sluice conversation export (its \"format\" is not \"sluice.conversation\").")]
    WrongFormat,
    /// A Sluice export of a version this build cannot read.
    #[error("This export has format version {found}, which this Sluice cannot read (it reads version {supported}).")]
    UnsupportedVersion {
        /// The version in the file, as written.
        found: String,
        /// The version this build reads.
        supported: u32,
    },
    /// The document's structure is wrong outside the messages (a missing or mistyped field).
    #[error("The export is malformed: {0}.")]
    Malformed(String),
    /// One message's structure is wrong (a missing or mistyped field).
    #[error("Message {index} is malformed: {reason}.")]
    MalformedMessage {
        /// 1-based position in the file.
        index: usize,
        /// serde's description of the problem.
        reason: String,
    },
    /// The title is present but blank.
    #[error("The conversation's title is empty.")]
    EmptyTitle,
    /// The title is over the rename limit.
    #[error("The conversation's title is too long (the limit is {limit} characters).")]
    TitleTooLong {
        /// The limit, in characters.
        limit: usize,
    },
    /// A message has no id to link children to.
    #[error("Message {index} has an empty id.")]
    EmptyId {
        /// 1-based position in the file.
        index: usize,
    },
    /// Two messages share an id, so links to it would be ambiguous.
    #[error(
        "Message {index} has the id {id:?}, which message {first} already has; ids must be unique."
    )]
    DuplicateId {
        /// 1-based position of the second one.
        index: usize,
        /// The shared id.
        id: String,
        /// 1-based position of the first one.
        first: usize,
    },
    /// A role other than user, assistant or system.
    #[error("Message {index} has the unknown role {role:?} (expected \"user\", \"assistant\" or \"system\").")]
    UnknownRole {
        /// 1-based position in the file.
        index: usize,
        /// The role as written.
        role: String,
    },
    /// A status this version does not know.
    #[error("Message {index} has the unknown status {status:?} (expected \"complete\", \"stopped\", \"error\", \"interrupted\" or \"streaming\").")]
    UnknownStatus {
        /// 1-based position in the file.
        index: usize,
        /// The status as written.
        status: String,
    },
    /// The parent id names no message of the file.
    #[error("Message {index} names the parent {parent:?}, which is not in the file.")]
    UnknownParent {
        /// 1-based position in the file.
        index: usize,
        /// The parent id as written.
        parent: String,
    },
    /// The parent exists but comes later in the file.
    #[error("Message {index} comes before its parent (message {parent_index}); parents must come first.")]
    ParentAfterChild {
        /// 1-based position of the child.
        index: usize,
        /// 1-based position of the parent.
        parent_index: usize,
    },
    /// Following parent links from a message comes back to it.
    #[error("Message {index} is its own ancestor: the parent links form a cycle.")]
    Cycle {
        /// 1-based position of a message on the cycle.
        index: usize,
    },
    /// A system message that is not a root.
    #[error("Message {index} is a system message with a parent; a system message may only start a conversation.")]
    SystemNotRoot {
        /// 1-based position in the file.
        index: usize,
    },
    /// A user message under another user message (the tree alternates user and assistant).
    #[error("Message {index} is a user message whose parent is a user message; a user message must follow an assistant answer (or start the conversation).")]
    UserAfterUser {
        /// 1-based position in the file.
        index: usize,
    },
    /// An assistant message that does not answer a user message.
    #[error("Message {index} is an assistant message that does not answer a user message.")]
    AssistantWithoutUser {
        /// 1-based position in the file.
        index: usize,
    },
}

impl ImportError {
    /// True for the size limits, which the server answers with HTTP 413 (others are 400).
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            Self::TooLarge { .. }
                | Self::TooManyMessages { .. }
                | Self::TooManyValues { .. }
                | Self::MessageTooLong { .. }
                | Self::SystemPromptTooLong { .. }
        )
    }
}

/// A size in a sentence, rounded up (see [`crate::byte_size`]).
fn size_words(bytes: &usize) -> String {
    crate::byte_size::size(*bytes as u64)
}

/// A limit in a sentence, rounded down.
fn limit_words(bytes: &usize) -> String {
    crate::byte_size::limit(*bytes as u64)
}
