//! Opening a stored conversation from the browser (a sidebar link, back/forward, an import):
//! the session drops what it shows, loads the conversation and the model choice follows it.

use super::{ChatSession, ModelChoice};
use crate::api::get_conversation;
use crate::ids::ConversationId;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Loads conversation `id` from the browser and shows it (the URL follows).
pub fn open_conversation(session: ChatSession, choice: ModelChoice, id: ConversationId) {
    session.detach();
    spawn_local(async move {
        match get_conversation(id).await {
            Ok(tree) => {
                session.load(&tree);
                choice
                    .selected
                    .set(tree.conversation.model.clone().unwrap_or_default());
            }
            Err(error) => {
                session.new_chat(String::new());
                session.open_error.set(Some(error));
            }
        }
    });
}
