//! The client-side chat state: the conversation's message tree on screen, which branch is
//! shown, and the actions — send, edit (a sibling user message), regenerate (a sibling answer),
//! continue, stop, open and start conversations.
//!
//! Every message is a [`MessageEntry`] with a local id and its parent's local id; the thread on
//! screen follows, from the root, the selected child of each message (the newest by default).
//!
//! A turn lives on the server, not in this page: leaving a conversation only detaches the
//! reader (the turn goes on, and opening the conversation again follows it live); a loaded
//! answer that is still being written is followed at once ([`ChatSession::follow_unfinished`]).
//! Stop asks the server to stop the turn — which ends it for every tab — and keeps reading
//! until the server's `done`, so the page shows exactly what was stored; only if the server
//! cannot be told is the read aborted locally.

mod composer_draft;
mod entry;
mod model_choice;
mod open_conversation;
mod reader;
mod reading_position;

use crate::api_error::ApiError;
pub use composer_draft::ComposerDraft;
pub use entry::{MessageEntry, MessageStatus, ToolCallState};
pub use model_choice::ModelChoice;
pub use open_conversation::open_conversation;
pub use reading_position::ReadingPosition;

use crate::api::{stop_turn, stream_chat};
use crate::chat_request::{ChatRequest, StoredChat};
use crate::conversation::ConversationTree;
use crate::events::{Role, StoredTurn, TurnAction};
use crate::ids::{ConversationId, TurnId};
use crate::message_tree::TreeIndex;
use futures::future::{AbortHandle, Abortable};
use leptos::prelude::*;
use leptos::task::spawn_local;
use reader::ReadFrom;
use sluice_wire::attachments::AttachmentMeta;
use std::collections::HashMap;

/// The answer being generated right now.
struct ActiveTurn {
    /// Aborts the task reading the stream.
    abort: AbortHandle,
    /// The server's turn id, once the `started` event arrived.
    turn_id: Option<TurnId>,
    /// The assistant message being written.
    message_id: u64,
    /// Stop was pressed before the turn id was known: stop as soon as it is.
    stop_requested: bool,
}

/// Where a sibling stands among the versions sharing its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SiblingPosition {
    /// 1-based position, oldest first.
    pub index: usize,
    /// How many versions there are.
    pub count: usize,
    /// The previous version's local id.
    pub previous: Option<u64>,
    /// The next version's local id.
    pub next: Option<u64>,
}

/// The tree of the messages on screen, indexed once per change of the list so that showing a
/// branch and each message's "2 / 3" cost a few steps, not a scan of every message each.
#[derive(Clone, Debug, Default, PartialEq)]
struct EntryTree {
    /// Children and parents by position in [`ChatSession::entries`].
    index: TreeIndex,
    /// Each position's local id.
    ids: Vec<u64>,
    /// Each local id's position.
    positions: HashMap<u64, usize>,
}

impl EntryTree {
    /// Indexes `entries` (one pass).
    fn of(entries: &[MessageEntry]) -> EntryTree {
        EntryTree {
            index: TreeIndex::build(entries, |e| e.id, |e| e.parent),
            ids: entries.iter().map(|e| e.id).collect(),
            positions: entries.iter().enumerate().map(|(p, e)| (e.id, p)).collect(),
        }
    }
}

/// The chat state shared by the page's components (all handles, so `Copy`).
#[derive(Clone, Copy)]
pub struct ChatSession {
    /// The stored conversation shown (`None`: a new chat, not stored until the first send).
    pub conversation_id: RwSignal<Option<ConversationId>>,
    /// Its title.
    pub title: RwSignal<String>,
    /// Its system prompt (for a new chat: the one it will be created with).
    pub system_prompt: RwSignal<String>,
    /// Every message of every branch, in creation order.
    pub entries: RwSignal<Vec<MessageEntry>>,
    /// `entries` indexed as a tree (recomputed when the list changes).
    tree: Memo<EntryTree>,
    /// The chosen child of each message (key `None`: the roots); missing means the newest.
    selected: RwSignal<HashMap<Option<u64>, u64>>,
    /// True while an answer streams (Send becomes Stop).
    pub streaming: RwSignal<bool>,
    /// True while the connection to a streaming answer is being re-established.
    pub reconnecting: RwSignal<bool>,
    /// Bumped when the conversation list may have changed (new chat, rename), to refetch it.
    pub list_version: RwSignal<u64>,
    /// Why the conversation could not be opened, shown instead of the messages.
    pub open_error: RwSignal<Option<ApiError>>,
    /// The text of a message the server refused before storing it (too long, …), handed back
    /// to the composer so nothing typed is lost.
    pub refused_draft: RwSignal<Option<String>>,
    /// The files of that refused message (still pending uploads), handed back with its text.
    pub refused_attachments: RwSignal<Vec<AttachmentMeta>>,
    /// The running turn, for Stop.
    active: StoredValue<Option<ActiveTurn>>,
    /// Next local message id.
    next_id: StoredValue<u64>,
    /// The reactive owner of every message's signals: the session's own, so a message created
    /// from a button inside a view outlives that view (switching versions disposes views).
    owner: StoredValue<Owner>,
}

impl Default for ChatSession {
    fn default() -> Self {
        Self::new()
    }
}

impl ChatSession {
    /// An empty, new chat.
    pub fn new() -> Self {
        let entries = RwSignal::new(Vec::new());
        Self {
            conversation_id: RwSignal::new(None),
            title: RwSignal::new(String::new()),
            system_prompt: RwSignal::new(String::new()),
            entries,
            tree: Memo::new(move |_| entries.with(|e| EntryTree::of(e))),
            selected: RwSignal::new(HashMap::new()),
            streaming: RwSignal::new(false),
            reconnecting: RwSignal::new(false),
            list_version: RwSignal::new(0),
            open_error: RwSignal::new(None),
            refused_draft: RwSignal::new(None),
            refused_attachments: RwSignal::new(Vec::new()),
            active: StoredValue::new(None),
            next_id: StoredValue::new(1),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// Runs `make` under the session's owner (for creating message signals).
    fn owned<T>(&self, make: impl FnOnce() -> T) -> T {
        self.owner.with_value(|owner| owner.with(make))
    }

    /// Allocates a local message id.
    fn allocate_id(&self) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        id
    }

    /// The messages on screen: from the root, the selected (else newest) child each time.
    pub fn thread(&self) -> Vec<MessageEntry> {
        let selected = self.selected.get();
        let positions = self.tree.with(|tree| {
            tree.index.descend(|parent, children| {
                let chosen = selected
                    .get(&parent.and_then(|p| tree.ids.get(p).copied()))
                    .and_then(|id| {
                        children
                            .iter()
                            .copied()
                            .find(|c| tree.ids.get(*c) == Some(id))
                    });
                chosen.or_else(|| children.last().copied())
            })
        });
        self.entries.with(|entries| {
            positions
                .into_iter()
                .filter_map(|p| entries.get(p).copied())
                .collect()
        })
    }

    /// Where `entry` stands among its siblings (tracked, for the "2 / 3" switcher).
    pub fn siblings(&self, entry: &MessageEntry) -> SiblingPosition {
        self.tree.with(|tree| {
            let ids: Vec<u64> = match tree.positions.get(&entry.id) {
                Some(&position)
                    if entry.parent.is_none() || tree.index.parent(position).is_some() =>
                {
                    tree.index
                        .children(tree.index.parent(position))
                        .iter()
                        .filter_map(|p| tree.ids.get(*p).copied())
                        .collect()
                }
                _ => vec![entry.id],
            };
            let at = ids.iter().position(|id| *id == entry.id).unwrap_or(0);
            SiblingPosition {
                index: at + 1,
                count: ids.len(),
                previous: at.checked_sub(1).and_then(|i| ids.get(i).copied()),
                next: ids.get(at + 1).copied(),
            }
        })
    }

    /// Shows the branch through the sibling `id`.
    pub fn select(&self, id: u64) {
        if self.streaming.get_untracked() {
            return;
        }
        if let Some(entry) = self.find(id) {
            self.selected.update(|s| {
                s.insert(entry.parent, id);
            });
        }
    }

    /// Replaces what is shown with a stored conversation.
    pub fn load(&self, tree: &ConversationTree) {
        self.detach();
        let mut local: HashMap<&str, u64> = HashMap::new();
        let mut entries = Vec::with_capacity(tree.messages.len());
        for message in &tree.messages {
            let parent = match &message.parent_id {
                Some(parent) => match local.get(parent.as_str()) {
                    Some(id) => Some(*id),
                    None => continue,
                },
                None => None,
            };
            let id = self.allocate_id();
            local.insert(message.id.as_str(), id);
            let entry = self.owned(|| MessageEntry::from_stored(id, parent, message));
            let rating = tree.feedback.iter().find(|f| f.message_id == message.id);
            entry.feedback.set(rating.cloned());
            entries.push(entry);
        }
        self.entries.set(entries);
        self.selected.set(HashMap::new());
        self.conversation_id.set(Some(tree.conversation.id.clone()));
        self.title.set(tree.conversation.title.clone());
        self.system_prompt
            .set(tree.conversation.system_prompt.clone().unwrap_or_default());
        self.open_error.set(None);
    }

    /// Empties the page for a new chat (a running answer goes on on the server).
    pub fn new_chat(&self, system_prompt: String) {
        self.detach();
        self.entries.set(Vec::new());
        self.selected.set(HashMap::new());
        self.conversation_id.set(None);
        self.title.set(String::new());
        self.system_prompt.set(system_prompt);
        self.open_error.set(None);
    }

    /// Sends a user message (its text and files; either may be empty, not both) after the
    /// last message shown, and starts its answer.
    pub fn send(&self, text: String, files: Vec<AttachmentMeta>, model: Option<String>) {
        if self.streaming.get_untracked() || (text.trim().is_empty() && files.is_empty()) {
            return;
        }
        self.drop_unsaved();
        let parent = self.thread_untracked().last().copied();
        self.ask(parent.map(|p| p.id), text, files, model);
    }

    /// Sends an edited version of `message_id` (its text and the files kept or added) as its
    /// sibling, and answers it.
    pub fn edit(
        &self,
        message_id: u64,
        text: String,
        files: Vec<AttachmentMeta>,
        model: Option<String>,
    ) {
        if self.streaming.get_untracked() || (text.trim().is_empty() && files.is_empty()) {
            return;
        }
        if let Some(entry) = self.find(message_id) {
            self.ask(entry.parent, text, files, model);
        }
    }

    /// Adds a user message under `parent` plus its answer, and streams the answer. The user
    /// message shows its files at once (from the composer's metas), so nothing flickers.
    fn ask(
        &self,
        parent: Option<u64>,
        text: String,
        files: Vec<AttachmentMeta>,
        model: Option<String>,
    ) {
        let parent_server_id = match parent {
            Some(id) => match self.find(id).and_then(|e| e.server_id.get_untracked()) {
                Some(server_id) => Some(server_id),
                None => return,
            },
            None => None,
        };
        let user_id = self.allocate_id();
        let answer_id = self.allocate_id();
        let attachments = files.iter().map(|f| f.id.clone()).collect();
        let (user, answer) = self.owned(|| {
            let user = MessageEntry::new(user_id, parent, Role::User, &text, MessageStatus::Done);
            user.attachments.set(files);
            let answer = MessageEntry::new(
                answer_id,
                Some(user_id),
                Role::Assistant,
                "",
                MessageStatus::Waiting,
            );
            (user, answer)
        });
        self.entries.update(|m| {
            m.push(user);
            m.push(answer);
        });
        self.selected.update(|s| {
            s.insert(parent, user_id);
        });
        let action = TurnAction::Send {
            parent_id: parent_server_id,
            content: text,
            attachments,
        };
        self.start(Some(user), answer, action, model, String::new());
    }

    /// Asks for another answer to the user message before `answer_id`, kept as its sibling.
    pub fn regenerate(&self, answer_id: u64, model: Option<String>) {
        if self.streaming.get_untracked() {
            return;
        }
        let Some(question) = self
            .find(answer_id)
            .and_then(|a| a.parent)
            .and_then(|p| self.find(p))
        else {
            return;
        };
        let Some(question_server_id) = question.server_id.get_untracked() else {
            return;
        };
        let id = self.allocate_id();
        let answer = self.owned(|| {
            MessageEntry::new(
                id,
                Some(question.id),
                Role::Assistant,
                "",
                MessageStatus::Waiting,
            )
        });
        self.entries.update(|m| m.push(answer));
        self.selected.update(|s| {
            s.insert(Some(question.id), id);
        });
        let action = TurnAction::Regenerate {
            user_message_id: question_server_id,
        };
        self.start(None, answer, action, model, String::new());
    }

    /// Continues an answer (cut by the token limit, stopped or interrupted): the new text is
    /// appended to the same message.
    pub fn continue_answer(&self, message_id: u64, model: Option<String>) {
        if self.streaming.get_untracked() {
            return;
        }
        let Some(entry) = self.find(message_id) else {
            return;
        };
        let Some(server_id) = entry.server_id.get_untracked() else {
            return;
        };
        entry.reset_rendering();
        let action = TurnAction::Continue {
            answer_id: server_id,
        };
        self.start(None, entry, action, model, entry.text.get_untracked());
    }

    /// Stops the running answer, for every tab: tells the server, and keeps reading until its
    /// `done` arrives. Pressed before the turn id is known, the stop is sent once it is.
    pub fn stop(&self) {
        let turn_id = self.active.try_update_value(|active| {
            active.as_mut().and_then(|active| {
                active.stop_requested = true;
                active.turn_id.clone()
            })
        });
        if let Some(turn_id) = turn_id.flatten() {
            self.send_stop(turn_id);
        }
    }

    /// Asks the server to stop `turn_id`; if it cannot be told (or the turn is no longer
    /// live), ends the read here.
    fn send_stop(&self, turn_id: TurnId) {
        let session = *self;
        spawn_local(async move {
            if !matches!(stop_turn(turn_id).await, Ok(true)) {
                session.abort_active(MessageStatus::Stopped);
            }
        });
    }

    /// Stops reading the running answer without stopping it on the server (leaving the
    /// conversation): the turn goes on, and the answer can be followed again.
    pub fn detach(&self) {
        self.abort_active(MessageStatus::Elsewhere);
    }

    /// Aborts the read of the running answer, marking its message `status` if it was live.
    fn abort_active(&self, status: MessageStatus) {
        let Some(active) = self.active.try_update_value(Option::take).flatten() else {
            return;
        };
        active.abort.abort();
        self.streaming.set(false);
        self.reconnecting.set(false);
        if let Some(entry) = self.find(active.message_id) {
            if entry.status.get_untracked().is_live() {
                entry.status.set(status);
            }
        }
    }

    /// Follows the answer on the shown thread that is still being written by a turn this
    /// page does not read yet (a reload, or a conversation opened in another tab).
    pub fn follow_unfinished(&self) {
        if self.active.with_value(Option::is_some) {
            return;
        }
        let unfinished = self
            .thread_untracked()
            .into_iter()
            .rev()
            .find(|e| e.status.get_untracked() == MessageStatus::Elsewhere);
        if let Some(answer) = unfinished {
            self.read(None, answer, None, ReadFrom::Following);
        }
    }

    /// Finds a message by local id.
    fn find(&self, id: u64) -> Option<MessageEntry> {
        self.entries
            .with_untracked(|m| m.iter().find(|e| e.id == id).copied())
    }

    /// [`Self::thread`] without tracking.
    fn thread_untracked(&self) -> Vec<MessageEntry> {
        untrack(|| self.thread())
    }

    /// Removes messages the server never stored (a request refused before it started), so
    /// the next message follows the last stored one.
    fn drop_unsaved(&self) {
        let unsaved: Vec<u64> = self.entries.with_untracked(|m| {
            m.iter()
                .filter(|e| e.server_id.get_untracked().is_none())
                .map(|e| e.id)
                .collect()
        });
        if !unsaved.is_empty() {
            self.entries
                .update(|m| m.retain(|e| !unsaved.contains(&e.id)));
        }
    }

    /// Called by the reader when the server confirms the turn: records the stored ids and,
    /// for a new conversation, its id and title.
    fn on_started(
        &self,
        question: Option<MessageEntry>,
        answer: MessageEntry,
        turn_id: TurnId,
        stored: Option<StoredTurn>,
    ) {
        let stop_now = self.active.try_update_value(|active| {
            match active.as_mut().filter(|a| a.message_id == answer.id) {
                Some(active) => {
                    active.turn_id = Some(turn_id.clone());
                    active.stop_requested
                }
                None => false,
            }
        });
        if stop_now == Some(true) {
            self.send_stop(turn_id);
        }
        let Some(stored) = stored else {
            return;
        };
        if let Some(question) = question {
            question.server_id.set(Some(stored.user_message_id));
        }
        answer.server_id.set(Some(stored.answer_id));
        if self.conversation_id.get_untracked().as_ref() != Some(&stored.conversation_id) {
            self.conversation_id.set(Some(stored.conversation_id));
            self.title.set(stored.title);
        }
        self.list_version.update(|v| *v += 1);
    }

    /// Streams the answer to `action` into `answer` (`question`: the new user message, if
    /// any); `prefix` is text the answer already has (continue).
    fn start(
        &self,
        question: Option<MessageEntry>,
        answer: MessageEntry,
        action: TurnAction,
        model: Option<String>,
        prefix: String,
    ) {
        let conversation_id = self.conversation_id.get_untracked();
        let system_prompt = Some(self.system_prompt.get_untracked())
            .filter(|p| conversation_id.is_none() && !p.trim().is_empty());
        let request = ChatRequest::Stored(StoredChat {
            conversation_id,
            action,
            model,
            system_prompt,
        });
        let request = async move { stream_chat(request, Some(reader::MERGE_MS)).await };
        self.read(
            question,
            answer,
            Some(Box::pin(request)),
            ReadFrom::NewTurn { prefix },
        );
    }

    /// Reads an answer's events into `answer` as the running answer (Stop applies to it):
    /// from `request` (a new turn) or, without one, by resuming the answer's turn.
    fn read(
        &self,
        question: Option<MessageEntry>,
        answer: MessageEntry,
        request: Option<StreamRequest>,
        from: ReadFrom,
    ) {
        let (abort, registration) = AbortHandle::new_pair();
        self.active.set_value(Some(ActiveTurn {
            abort,
            turn_id: None,
            message_id: answer.id,
            stop_requested: false,
        }));
        self.streaming.set(true);
        let session = *self;
        spawn_local(async move {
            let run = async move {
                let stream = match request {
                    Some(request) => Some(request.await),
                    None => None,
                };
                reader::read_answer(session, question, answer, stream, from).await;
            };
            let finished = Abortable::new(run, registration).await;
            if finished.is_ok() {
                let ours = session
                    .active
                    .with_value(|a| a.as_ref().is_some_and(|a| a.message_id == answer.id));
                if ours {
                    session.active.set_value(None);
                    session.streaming.set(false);
                }
            }
        });
    }
}

/// The request that starts a new turn, resolved to its event stream.
type StreamRequest = std::pin::Pin<
    Box<
        dyn std::future::Future<Output = Result<crate::codec::ChatEventStream<ApiError>, ApiError>>,
    >,
>;
