//! The sidebar's organising state, shared by the list, its entries, the folders and the bulk
//! bar through context: which chats are selected (select mode), which one is being dragged,
//! whether the archived view is shown, the folders a "Move to…" menu offers, and the one
//! error line for actions that are not an entry's own. Every change on the server bumps the
//! session's `list_version`, which refetches the list.

use crate::components::chat_session::ChatSession;
use crate::ids::ConversationId;
use crate::organise::Folder;
use leptos::prelude::*;

/// The shared organising state (all signals: `Copy`).
#[derive(Clone, Copy)]
pub struct Organiser {
    /// The folders as last loaded, so any entry's "Move to…" lists them without a request.
    pub folders: RwSignal<Vec<Folder>>,
    /// Select mode: checkboxes on every entry and the bulk bar.
    pub selecting: RwSignal<bool>,
    /// The chats ticked in select mode, in the order they were ticked.
    pub selected: RwSignal<Vec<ConversationId>>,
    /// The chat being dragged onto a folder (set on `dragstart`, read on `drop`).
    pub dragging: RwSignal<Option<ConversationId>>,
    /// Whether the list shows the archived chats instead of the others.
    pub archived_view: RwSignal<bool>,
    /// The last failed folder or bulk action's sentence, shown above the list.
    pub error: RwSignal<Option<String>>,
    /// The session, whose `list_version` refetches the list after a change.
    session: ChatSession,
}

impl Organiser {
    /// A fresh state for `session`'s sidebar.
    pub fn new(session: ChatSession) -> Self {
        Self {
            folders: RwSignal::new(Vec::new()),
            selecting: RwSignal::new(false),
            selected: RwSignal::new(Vec::new()),
            dragging: RwSignal::new(None),
            archived_view: RwSignal::new(false),
            error: RwSignal::new(None),
            session,
        }
    }

    /// Refetches the list (after a change on the server).
    pub fn refresh(&self) {
        self.session.list_version.update(|v| *v += 1);
    }

    /// Whether `id` is ticked.
    pub fn is_selected(&self, id: &ConversationId) -> bool {
        self.selected.with(|s| s.contains(id))
    }

    /// Ticks or unticks `id`.
    pub fn toggle(&self, id: &ConversationId) {
        self.selected
            .update(|s| match s.iter().position(|x| x == id) {
                Some(at) => {
                    s.remove(at);
                }
                None => s.push(id.clone()),
            });
    }

    /// Leaves select mode, unticking everything.
    pub fn stop_selecting(&self) {
        self.selecting.set(false);
        self.selected.set(Vec::new());
    }

    /// The outcome of an action on the server: on success the list is refetched and the error
    /// line cleared, else the error line shows the sentence.
    pub fn settle(&self, result: Result<(), crate::api_error::ApiError>) {
        match result {
            Ok(()) => {
                self.error.set(None);
                self.refresh();
            }
            Err(e) => self.error.set(Some(e.to_string())),
        }
    }

    /// If the open conversation is among `ids` (just deleted), starts a new chat instead.
    pub fn leave_if_open(&self, ids: &[ConversationId]) {
        let open = self.session.conversation_id.get_untracked();
        if open.is_some_and(|open| ids.contains(&open)) {
            self.session.new_chat(String::new());
        }
    }
}
