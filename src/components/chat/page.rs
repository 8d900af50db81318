//! The chat column: top bar (menu button, model picker, conversation menu) and the message
//! list with "Jump to latest" and, on a new chat, suggestions — rendered on the server for
//! `/c/{id}` once the conversation is in the session, and hydrated — the typing indicator and
//! the composer. (Esc anywhere on the page stops a streaming answer: a shortcut, see
//! `components::shortcuts`.)

use crate::api_error::ApiError;
use crate::components::chat::composer::Composer;
use crate::components::chat::conversation_menu::ConversationMenu;
use crate::components::chat::drawer::MenuButton;
use crate::components::chat::jump_to_latest::JumpToLatest;
use crate::components::chat::model_picker::ModelPicker;
use crate::components::chat::suggestions::Suggestions;
use crate::components::chat::typing_indicator::TypingIndicator;
use crate::components::chat_session::{ChatSession, ModelChoice};
use crate::components::message::list::MessageList;
use crate::conversation::ConversationTree;
use leptos::prelude::*;

/// The conversation loaded with the page (`None` for a new chat).
pub type InitialConversation = Resource<Result<Option<ConversationTree>, ApiError>>;

/// The whole chat column.
#[component]
pub fn ChatPage(initial: InitialConversation) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    view! {
        <div class="chat-page">
            // The header reads the conversation (title, model), so it renders inside the
            // suspense too: on the server and while hydrating, both see the loaded session.
            <Suspense fallback=|| view! { <section class="message-list loading">"Loading…"</section> }>
                {move || Suspend::new(async move {
                    match initial.await {
                        Ok(Some(tree)) => {
                            session.load(&tree);
                            choice.selected.set(tree.conversation.model.clone().unwrap_or_default());
                        }
                        Ok(None) => {}
                        Err(error) => session.open_error.set(Some(error)),
                    }
                    view! {
                        <header class="top-bar">
                            <MenuButton />
                            <h1 class="brand">"Sluice"</h1>
                            <ModelPicker />
                            <ConversationMenu />
                        </header>
                        <MessageList />
                        <JumpToLatest />
                        <Suggestions />
                    }
                })}
            </Suspense>
            <TypingIndicator />
            <Composer />
        </div>
    }
    .into_any()
}
