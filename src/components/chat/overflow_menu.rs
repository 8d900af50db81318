//! The conversation menu's entries, folded behind a "⋯" button on small screens. On a wide
//! screen the entries sit in a row in the top bar; below `SMALL_SCREEN` the row becomes a
//! popup menu (`role="menu"`, entries `role="menuitem"`): the button has `aria-haspopup` and
//! `aria-expanded`, Esc closes it and returns focus to the button, ↑/↓/Home/End move between
//! entries, Tab or a click outside closes it.
//!
//! An entry is one line in the list of `conversation_menu` and uses [`MenuEntry`] for its
//! role and for closing the menu when chosen:
//!
//! ```ignore
//! let menu = expect_context::<MenuEntry>();
//! view! { <button role=menu.role() on:click=move |_| { menu.chosen(); … }>"Share"</button> }
//! ```

use crate::components::chat::sidebar_toggle::SidebarToggle;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The `id` of the entries' container (`aria-controls` of the button).
const ENTRIES_ID: &str = "conversation-actions";

/// The `id` of the "⋯" button, which gets focus back when the menu closes by keyboard.
const BUTTON_ID: &str = "conversation-actions-button";

/// What an entry needs to know about the menu it is in (handles, so `Copy`).
#[derive(Clone, Copy, Debug)]
pub struct MenuEntry {
    /// True while the entries are a popup menu (small screens).
    folded: Signal<bool>,
    /// True while the popup is open.
    open: RwSignal<bool>,
}

impl MenuEntry {
    /// The entry's ARIA role: `menuitem` in the popup, none in the row.
    pub fn role(&self) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        let folded = self.folded;
        move || folded.get().then_some("menuitem")
    }

    /// Call when the entry was chosen: closes the popup.
    pub fn chosen(&self) {
        self.open.set(false);
    }
}

/// The entries of the popup menu that can take focus, in order.
fn entries(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(nodes) = root.query_selector_all("[role=\"menuitem\"]") else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|el| el.offset_parent().is_some())
        .collect()
}

/// Focuses the element with `id`.
fn focus_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The "⋯" button and the entries (`children`), a row or a popup depending on the width.
#[component]
pub fn OverflowMenu(children: Children) -> impl IntoView {
    let sidebar = expect_context::<SidebarToggle>();
    let open = RwSignal::new(false);
    let folded = Signal::derive(move || sidebar.small.get());
    provide_context(MenuEntry { folded, open });
    let root = NodeRef::<Div>::new();
    let popup = move || folded.get() && open.get();

    // Opening focuses the first entry; a click outside closes.
    Effect::watch(
        move || open.get(),
        move |is_open, _, _| {
            if *is_open {
                request_animation_frame(move || {
                    if let Some(first) = root
                        .get_untracked()
                        .and_then(|r| entries(&r).into_iter().next())
                    {
                        let _ = first.focus();
                    }
                });
            }
        },
        false,
    );
    let outside = window_event_listener(leptos::ev::pointerdown, move |event| {
        if !open.get_untracked() {
            return;
        }
        let target = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = root
            .get_untracked()
            .zip(target)
            .is_some_and(|(root, target)| root.contains(Some(&target)));
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());

    let on_keydown = move |event: web_sys::KeyboardEvent| {
        if !popup() {
            return;
        }
        let Some(root) = root.get_untracked() else {
            return;
        };
        let items = entries(&root);
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let current = items.iter().position(|el| {
            active
                .as_ref()
                .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
        });
        let go = |index: usize| {
            if let Some(el) = items.get(index) {
                let _ = el.focus();
            }
        };
        let last = items.len().saturating_sub(1);
        match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                event.stop_propagation();
                open.set(false);
                focus_id(BUTTON_ID);
            }
            "ArrowDown" => {
                event.prevent_default();
                go(current.map_or(0, |i| if i >= last { 0 } else { i + 1 }));
            }
            "ArrowUp" => {
                event.prevent_default();
                go(current.map_or(last, |i| if i == 0 { last } else { i - 1 }));
            }
            "Home" => {
                event.prevent_default();
                go(0);
            }
            "End" => {
                event.prevent_default();
                go(last);
            }
            "Tab" => open.set(false),
            _ => {}
        }
    };

    view! {
        <div class="overflow-menu" class:open=move || open.get() node_ref=root on:keydown=on_keydown>
            <button
                type="button"
                id=BUTTON_ID
                class="overflow-button icon-only"
                data-testid="overflow-menu-button"
                aria-label="Conversation menu"
                aria-haspopup="menu"
                aria-controls=ENTRIES_ID
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">"⋯"</span>
            </button>
            <div
                id=ENTRIES_ID
                class="conversation-actions"
                data-testid="conversation-actions"
                role=move || folded.get().then_some("menu")
                aria-label=move || folded.get().then_some("Conversation")
            >
                {children()}
            </div>
        </div>
    }
}
