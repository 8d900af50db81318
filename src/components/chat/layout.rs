//! The page layout for `/` and `/c/{id}`: sidebar (a drawer on small screens, `drawer`)
//! plus chat column, and the link between the
//! URL and the open conversation. It stays mounted while the URL changes, so an answer keeps
//! streaming when a new conversation gets its `/c/{id}` address.
//!
//! The conversation named by the URL at page load is fetched by a resource (rendered on the
//! server, hydrated in the browser); later URL changes (sidebar links, back/forward) open
//! conversations from the browser.

use crate::api::{get_conversation, list_models};
use crate::components::chat::drawer::SidebarDrawer;
use crate::components::chat::page::{ChatPage, InitialConversation};
use crate::components::chat::sidebar_toggle::SidebarToggle;
use crate::components::chat_session::{
    open_conversation, ChatSession, ComposerDraft, ModelChoice, ReadingPosition,
};
use crate::components::sidebar::Sidebar;
use crate::ids::ConversationId;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// The conversation id in a path `/c/{id}`, if it is one.
pub fn conversation_id_from_path(path: &str) -> Option<ConversationId> {
    let id = path.strip_prefix("/c/")?.trim_end_matches('/');
    (!id.is_empty() && !id.contains('/')).then(|| ConversationId::from(id))
}

/// Sidebar + chat, with the URL kept in step with the open conversation.
#[component]
pub fn ChatLayout() -> impl IntoView {
    let session = ChatSession::new();
    let choice = ModelChoice {
        selected: RwSignal::new(String::new()),
        list: Resource::new(|| (), |_| list_models()),
    };
    provide_context(session);
    provide_context(choice);
    provide_context(ComposerDraft::new());
    provide_context(ReadingPosition::new());
    let sidebar = SidebarToggle::provide();
    crate::components::shortcuts::handler::install(session, choice);

    let location = use_location();
    let first_id = conversation_id_from_path(&location.pathname.get_untracked());
    // Blocking: the page waits for it, so an unknown id answers with status 404.
    let initial: InitialConversation = Resource::new_blocking(
        || (),
        move |_| {
            let id = first_id.clone();
            async move {
                let result = match id {
                    Some(id) => get_conversation(id).await.map(Some),
                    None => Ok(None),
                };
                // Rendered on the server: the page answers with the error's status (404).
                #[cfg(feature = "ssr")]
                if let Err(error) = &result {
                    crate::server::api_response::set_page_status(error);
                }
                result
            }
        },
    );

    // An answer still being written when its conversation was loaded (a reload, another tab)
    // is followed live. Effects run only in the browser, so the server render shows the
    // stored text and the page picks up from there.
    Effect::new(move |_| {
        session.thread();
        session.streaming.track();
        untrack(|| session.follow_unfinished());
    });

    // URL → session: a link or back/forward named another conversation.
    Effect::watch(
        move || location.pathname.get(),
        move |path, _, _| {
            // Choosing a conversation in the drawer: it makes way for the chat.
            sidebar.close();
            let wanted = conversation_id_from_path(path);
            if wanted == session.conversation_id.get_untracked() {
                return;
            }
            match wanted {
                None => session.new_chat(String::new()),
                Some(id) => open_conversation(session, choice, id),
            }
        },
        false,
    );
    // Session → URL: a conversation was created, imported or deleted from the session.
    let navigate = use_navigate();
    Effect::watch(
        move || session.conversation_id.get(),
        move |id, _, _| {
            let path = location.pathname.get_untracked();
            let shown = conversation_id_from_path(&path);
            match id {
                Some(id) if shown.as_deref() != Some(id) => {
                    let options = NavigateOptions {
                        replace: path == "/",
                        scroll: false,
                        ..Default::default()
                    };
                    navigate(&format!("/c/{id}"), options);
                }
                // A new chat; but a conversation that failed to open keeps its URL.
                None if shown.is_some() && session.open_error.with_untracked(Option::is_none) => {
                    navigate("/", NavigateOptions::default());
                }
                _ => {}
            }
        },
        false,
    );

    view! {
        <div class="app-layout" class:sidebar-hidden=move || sidebar.docked_hidden.get()>
            <SidebarDrawer>
                <Sidebar />
            </SidebarDrawer>
            <ChatPage initial />
            <Outlet />
        </div>
    }
    .into_any()
}
