//! The shortcuts' key handler: one `keydown` listener on the window, installed by the chat
//! layout ([`install`]), which looks each press up in [`super::SHORTCUTS`] and runs its action
//! on the chat session. A press a field already handled (`preventDefault`, or stopped like the
//! rename box's Esc), a press while an input method composes, and single keys typed into a
//! field are left alone. While the `?` overlay is open it is modal: Esc (or `?`) closes it and
//! nothing else runs.

use super::keys::{neighbour, Focus, KeyPress, Step};
use super::overlay::OverlayState;
use super::{action_for, current_platform, Action};
use crate::components::chat::sidebar_toggle::SidebarToggle;
use crate::components::chat_session::{ChatSession, MessageEntry, ModelChoice};
use crate::events::Role;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

/// The message box (its label is part of the UI contract the end-to-end tests use too).
const COMPOSER: &str = "textarea[aria-label=\"Message\"]";
/// The sidebar's search box.
const SEARCH: &str = "[data-testid=\"search-input\"]";
/// The sidebar (its conversations are listed in order inside it).
const SIDEBAR: &str = "[data-testid=\"sidebar\"]";

/// Installs the shortcuts for the chat page: provides [`OverlayState`], picks up the layout's
/// [`SidebarToggle`] (provided before this is called), and listens for keys until the layout
/// goes.
pub fn install(session: ChatSession, choice: ModelChoice) {
    let sidebar = use_context::<SidebarToggle>();
    let overlay = OverlayState::new();
    provide_context(overlay);
    let navigate = use_navigate();
    let open_path = move |path: &str| navigate(path, NavigateOptions::default());
    let handle = window_event_listener(ev::keydown, move |event| {
        let page = Page {
            session,
            choice,
            sidebar,
            overlay,
        };
        on_keydown(&event, page, &open_path);
    });
    on_cleanup(move || handle.remove());
}

/// What the actions act on.
#[derive(Clone, Copy)]
struct Page {
    /// The chat (new chat, stop, regenerate, the last answer).
    session: ChatSession,
    /// The model a regenerated answer uses.
    choice: ModelChoice,
    /// The sidebar's visibility (docked or the phone drawer), when the layout has one.
    sidebar: Option<SidebarToggle>,
    /// The `?` overlay and the status line.
    overlay: OverlayState,
}

/// Looks the press up and runs its action; the browser's default is prevented only when an
/// action took the press (Esc with nothing streaming stays the browser's).
fn on_keydown(event: &web_sys::KeyboardEvent, page: Page, open_path: &dyn Fn(&str)) {
    if event.default_prevented() || event.is_composing() {
        return;
    }
    let press = KeyPress {
        key: event.key(),
        code: event.code(),
        ctrl: event.ctrl_key(),
        meta: event.meta_key(),
        shift: event.shift_key(),
        alt: event.alt_key(),
    };
    let platform = current_platform();
    let focus = focus_of(event.target());
    let action = action_for(&press, platform, focus);
    if page.overlay.open.get_untracked() {
        if press.key == "Escape" || action == Some(Action::ShowShortcuts) {
            event.prevent_default();
            page.overlay.open.set(false);
        }
        return;
    }
    if let Some(action) = action {
        if run(action, page, open_path) {
            event.prevent_default();
        }
    }
}

/// Does `action`; false when it did not apply (so the key keeps its usual meaning).
fn run(action: Action, page: Page, open_path: &dyn Fn(&str)) -> bool {
    let Page {
        session,
        choice,
        sidebar,
        overlay,
    } = page;
    match action {
        Action::NewChat => {
            session.new_chat(String::new());
            open_path("/");
            focus_later(COMPOSER);
        }
        Action::FocusComposer => {
            focus(COMPOSER);
        }
        Action::SearchChats => {
            if let Some(sidebar) = sidebar {
                sidebar.show();
            }
            focus_later(SEARCH);
        }
        Action::Stop => {
            if !session.streaming.get_untracked() {
                return false;
            }
            session.stop();
        }
        Action::CopyLastAnswer => copy_last_answer(session, overlay),
        Action::Regenerate => match last_finished_answer(session) {
            Some(answer) => session.regenerate(answer.id, choice.effective_untracked()),
            None => overlay.announce("No finished answer to regenerate."),
        },
        Action::ToggleSidebar => {
            let Some(sidebar) = sidebar else {
                return false;
            };
            // Hiding moves the focus to the menu button that brings the sidebar back.
            sidebar.toggle();
        }
        Action::PreviousChat | Action::NextChat => {
            let step = if action == Action::PreviousChat {
                Step::Previous
            } else {
                Step::Next
            };
            let ids = sidebar_conversation_ids();
            let current = session.conversation_id.get_untracked();
            if let Some(at) = neighbour(&ids, current.as_deref(), step) {
                open_path(&format!("/c/{}", ids[at]));
            }
        }
        Action::ShowShortcuts => overlay.open.set(true),
    }
    true
}

/// The last answer on the shown thread, if it has finished (not streaming, stored).
fn last_finished_answer(session: ChatSession) -> Option<MessageEntry> {
    let last = session.thread().into_iter().last()?;
    let finished = last.role == Role::Assistant
        && !session.streaming.get_untracked()
        && !last.status.get_untracked().is_live()
        && last.server_id.with_untracked(Option::is_some);
    finished.then_some(last)
}

/// Copies the last answer with text on the shown thread (its Markdown) and says so.
fn copy_last_answer(session: ChatSession, overlay: OverlayState) {
    let text = session
        .thread()
        .into_iter()
        .rev()
        .find(|entry| entry.role == Role::Assistant)
        .map(|entry| entry.text.get_untracked())
        .filter(|text| !text.trim().is_empty());
    let Some(text) = text else {
        overlay.announce("No answer to copy yet.");
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => overlay.announce("Copied the last answer."),
            Err(_) => overlay.announce("The clipboard refused the copy."),
        }
    });
}

/// What kind of element the key went to.
fn focus_of(target: Option<web_sys::EventTarget>) -> Focus {
    let Some(element) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return Focus::Elsewhere;
    };
    let editable = element
        .dyn_ref::<web_sys::HtmlElement>()
        .is_some_and(web_sys::HtmlElement::is_content_editable);
    Focus::of(
        &element.tag_name(),
        element.get_attribute("type").as_deref(),
        editable,
    )
}

/// The first element matching `selector`.
fn find(selector: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(selector)
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}

/// Focuses the element matching `selector`; false when there is none.
fn focus(selector: &str) -> bool {
    find(selector).is_some_and(|element| element.focus().is_ok())
}

/// Focuses `selector` on the next frame, once what the action changed is on screen.
fn focus_later(selector: &'static str) {
    request_animation_frame(move || {
        focus(selector);
    });
}

/// The ids of the sidebar's conversations, top to bottom, as shown: entries not rendered (in
/// a folded folder, say) are skipped, unless none is (the whole sidebar is hidden).
fn sidebar_conversation_ids() -> Vec<String> {
    let mut entries = Vec::new();
    if let Some(sidebar) = find(SIDEBAR) {
        collect_entries(&sidebar, &mut entries);
    }
    let shown = |entry: &web_sys::Element| {
        entry
            .dyn_ref::<web_sys::HtmlElement>()
            .is_some_and(|entry| entry.offset_parent().is_some())
    };
    let any_shown = entries.iter().any(shown);
    entries
        .iter()
        .filter(|entry| !any_shown || shown(entry))
        .filter_map(|entry| entry.get_attribute("data-id"))
        .collect()
}

/// Appends every conversation entry under `element`, in document order.
fn collect_entries(element: &web_sys::Element, entries: &mut Vec<web_sys::Element>) {
    let mut child = element.first_element_child();
    while let Some(current) = child {
        child = current.next_element_sibling();
        if current.get_attribute("data-testid").as_deref() == Some("conversation-item") {
            entries.push(current);
        } else {
            collect_entries(&current, entries);
        }
    }
}
