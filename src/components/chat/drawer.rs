//! The sidebar as a drawer on small screens: [`SidebarDrawer`] wraps the sidebar (on wide
//! screens it lays out as if absent, CSS `display: contents`), [`MenuButton`] opens it from
//! the chat header. While open the drawer is a modal dialog: focus moves into it and Tab
//! cycles inside it; Esc, a tap on the backdrop or a swipe to the left close it, and so do
//! choosing a conversation (the URL changes, see `layout`) and "New chat"; focus then returns
//! to the menu button. State and the open/close calls are in `sidebar_toggle`.

use crate::components::chat::sidebar_toggle::{SidebarToggle, DRAWER_ID, MENU_BUTTON_ID};
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What Tab can reach inside the drawer. Of a radio group only the checked radio is a Tab
/// stop (the theme switch always has one checked): an unchecked one counted as the last stop
/// would let Tab out of the drawer.
const FOCUSABLE: &str = "a[href], button:not([disabled]), \
     input:not([disabled]):not([type=\"radio\"]), input[type=\"radio\"]:checked:not([disabled]), \
     select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// A swipe this far to the left (px), more sideways than up or down, closes the drawer.
const SWIPE_CLOSE_PX: i32 = 60;

/// Clicks on these (inside the drawer) start something in the chat: the drawer gets out of
/// the way. Conversation links close it by changing the URL.
const CLOSES_DRAWER: &str = "[data-testid=\"new-chat\"], .preset-start";

/// The visible focusable elements inside `root`, in document order.
fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(nodes) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        // Not rendered (display: none, or inside it) means no offset parent.
        .filter(|el| el.offset_parent().is_some())
        .collect()
}

/// The sidebar's holder: docked on wide screens, a drawer with a backdrop on small ones.
#[component]
pub fn SidebarDrawer(children: Children) -> impl IntoView {
    let sidebar = expect_context::<SidebarToggle>();
    let drawer = NodeRef::<Div>::new();
    let modal = move || sidebar.small.get() && sidebar.drawer_open.get();
    // Opening moves focus to the drawer's first control, once it is visible.
    Effect::watch(
        move || sidebar.drawer_open.get(),
        move |open, _, _| {
            if !*open {
                return;
            }
            request_animation_frame(move || {
                if let Some(first) = drawer
                    .get_untracked()
                    .and_then(|d| focusables(&d).into_iter().next())
                {
                    let _ = first.focus();
                }
            });
        },
        false,
    );
    let on_keydown = move |event: web_sys::KeyboardEvent| {
        if !modal() {
            return;
        }
        match event.key().as_str() {
            "Escape" => {
                // Not the page's "Esc stops the answer": this Esc is for the drawer.
                event.prevent_default();
                event.stop_propagation();
                sidebar.close();
            }
            "Tab" => {
                let Some(root) = drawer.get_untracked() else {
                    return;
                };
                let items = focusables(&root);
                let (Some(first), Some(last)) = (items.first(), items.last()) else {
                    return;
                };
                let active = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element());
                let on = |el: &web_sys::HtmlElement| {
                    active
                        .as_ref()
                        .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
                };
                let inside = active.as_ref().is_some_and(|a| root.contains(Some(a)));
                if event.shift_key() && (on(first) || !inside) {
                    event.prevent_default();
                    let _ = last.focus();
                } else if !event.shift_key() && (on(last) || !inside) {
                    event.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        }
    };
    let on_click = move |event: web_sys::MouseEvent| {
        let closes = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(CLOSES_DRAWER).ok().flatten())
            .is_some();
        if closes {
            sidebar.close();
        }
    };
    let swipe_start = StoredValue::new(None::<(i32, i32)>);
    let on_touchstart = move |event: web_sys::TouchEvent| {
        let start = event
            .changed_touches()
            .get(0)
            .map(|t| (t.client_x(), t.client_y()));
        swipe_start.set_value(start);
    };
    let on_touchend = move |event: web_sys::TouchEvent| {
        let Some((x0, y0)) = swipe_start.get_value() else {
            return;
        };
        swipe_start.set_value(None);
        if let Some(end) = event.changed_touches().get(0) {
            let (dx, dy) = (end.client_x() - x0, end.client_y() - y0);
            if modal() && dx <= -SWIPE_CLOSE_PX && dx.abs() > dy.abs() {
                sidebar.close();
            }
        }
    };
    view! {
        <div
            id=DRAWER_ID
            class="sidebar-drawer"
            class:open=move || sidebar.drawer_open.get()
            data-testid="sidebar-drawer"
            role=move || modal().then_some("dialog")
            aria-modal=move || modal().then_some("true")
            aria-label=move || modal().then_some("Conversations")
            node_ref=drawer
            on:keydown=on_keydown
            on:click=on_click
            on:touchstart=on_touchstart
            on:touchend=on_touchend
        >
            {children()}
        </div>
        <div
            class="drawer-backdrop"
            class:open=move || sidebar.drawer_open.get()
            data-testid="drawer-backdrop"
            aria-hidden="true"
            on:click=move |_| sidebar.close()
        ></div>
    }
}

/// The ☰ button in the chat header: shown on small screens, and on wide ones while the
/// docked sidebar is hidden.
#[component]
pub fn MenuButton() -> impl IntoView {
    let sidebar = expect_context::<SidebarToggle>();
    view! {
        <button
            type="button"
            id=MENU_BUTTON_ID
            class="menu-button icon-only"
            data-testid="menu-button"
            aria-label="Conversations"
            aria-controls=DRAWER_ID
            aria-expanded=move || sidebar.expanded().to_string()
            on:click=move |_| sidebar.toggle()
        >
            <span class="menu-icon" aria-hidden="true">"☰"</span>
        </button>
    }
}
