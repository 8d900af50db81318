//! The model chosen for the chat: shared client state (a context provided by the chat layout)
//! that the model picker writes and the composer, the message actions, the conversation menu,
//! the sidebar and opening a conversation read (the composer also asks whether it sees images).

use crate::api::ModelList;
use crate::api_error::ApiError;
use crate::events::ModelInfo;
use leptos::prelude::*;

/// The model chosen in the picker, with the list to fall back on.
#[derive(Clone, Copy)]
pub struct ModelChoice {
    /// The picker's value ("" until the user or the conversation picks).
    pub selected: RwSignal<String>,
    /// The models from the server.
    pub list: Resource<Result<ModelList, ApiError>>,
}

impl ModelChoice {
    /// The model to use: the picked one, else the server's default.
    pub fn effective(&self) -> Option<String> {
        let selected = self.selected.get();
        if !selected.is_empty() {
            return Some(selected);
        }
        self.list
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.default_model)
    }

    /// The chosen model's entry in the list (tracked): its label and whether it sees images.
    pub fn effective_model(&self) -> Option<ModelInfo> {
        let id = self.effective()?;
        self.list
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.models.into_iter().find(|m| m.id == id))
    }

    /// [`Self::effective`] without tracking.
    pub fn effective_untracked(&self) -> Option<String> {
        untrack(|| self.effective())
    }
}
