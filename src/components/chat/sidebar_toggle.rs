//! Showing and hiding the sidebar, as one context, [`SidebarToggle`], that anything inside the
//! chat layout can use (the menu button, the `keys` shortcut "toggle sidebar"): on a small
//! screen (below [`SMALL_SCREEN`]) the sidebar is a drawer over the chat, opened and closed;
//! on a wide one it is docked beside the chat, shown or hidden. Opening the drawer moves focus
//! into it (`drawer`); closing it returns focus to the menu button.
//!
//! ```ignore
//! let sidebar = expect_context::<SidebarToggle>();
//! sidebar.toggle();
//! ```

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The media query below which the sidebar is a drawer (the same width as in style/main.css).
pub const SMALL_SCREEN: &str = "(max-width: 48rem)";

/// The `id` of the menu button, which names the drawer in `aria-controls` and gets focus back.
pub const MENU_BUTTON_ID: &str = "sidebar-menu-button";

/// The `id` of the element holding the sidebar (the drawer on small screens).
pub const DRAWER_ID: &str = "sidebar-drawer";

/// The sidebar's visibility (all handles, so `Copy`). Provided by the chat layout.
#[derive(Clone, Copy, Debug)]
pub struct SidebarToggle {
    /// True while the screen is below [`SMALL_SCREEN`] (false on the server and until the
    /// page is hydrated: the server cannot know the width, and CSS lays out either way).
    pub small: RwSignal<bool>,
    /// True while the drawer is open (small screens only).
    pub drawer_open: RwSignal<bool>,
    /// True while the docked sidebar is hidden (wide screens only).
    pub docked_hidden: RwSignal<bool>,
}

impl SidebarToggle {
    /// Provides a new toggle to the components below, and follows the screen's width.
    pub fn provide() -> SidebarToggle {
        let toggle = SidebarToggle {
            small: RwSignal::new(false),
            drawer_open: RwSignal::new(false),
            docked_hidden: RwSignal::new(false),
        };
        provide_context(toggle);
        // Effects run only in the browser.
        Effect::new(move |_| toggle.watch_width());
        toggle
    }

    /// Shows the sidebar if it is hidden, hides it if it is shown.
    pub fn toggle(&self) {
        if self.small.get_untracked() {
            if self.drawer_open.get_untracked() {
                self.close();
            } else {
                self.open();
            }
        } else {
            self.docked_hidden.update(|hidden| *hidden = !*hidden);
            // The sidebar may have held the focus: give it to the button that brings it back.
            if self.docked_hidden.get_untracked() {
                focus_menu_button();
            }
        }
    }

    /// Shows the sidebar if it is hidden (the "Search chats" shortcut): opens the drawer on a
    /// small screen, docks the sidebar again on a wide one.
    pub fn show(&self) {
        if self.small.get_untracked() {
            self.open();
        } else {
            self.docked_hidden.set(false);
        }
    }

    /// Opens the drawer (the drawer then moves focus into itself).
    pub fn open(&self) {
        self.drawer_open.set(true);
    }

    /// Closes the drawer, if open, and returns focus to the menu button.
    pub fn close(&self) {
        if self.drawer_open.get_untracked() {
            self.drawer_open.set(false);
            focus_menu_button();
        }
    }

    /// Whether the sidebar is visible now (the menu button's `aria-expanded`).
    pub fn expanded(&self) -> bool {
        if self.small.get() {
            self.drawer_open.get()
        } else {
            !self.docked_hidden.get()
        }
    }

    /// Keeps `small` in step with the media query; a drawer left open when the screen grows
    /// (a phone turned sideways) is closed, since the sidebar is then docked.
    fn watch_width(self) {
        let Some(query) =
            web_sys::window().and_then(|w| w.match_media(SMALL_SCREEN).ok().flatten())
        else {
            return;
        };
        self.small.set(query.matches());
        let on_change = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
            move |event: web_sys::MediaQueryListEvent| {
                let small = event.matches();
                self.small.try_set(small);
                if !small {
                    self.drawer_open.try_set(false);
                }
            },
        )
        .into_js_value();
        let _ = query.add_event_listener_with_callback("change", on_change.unchecked_ref());
        let query = StoredValue::new_local((query, on_change));
        on_cleanup(move || {
            query.try_with_value(|(query, on_change)| {
                let _ =
                    query.remove_event_listener_with_callback("change", on_change.unchecked_ref());
            });
        });
    }
}

/// Focuses the menu button after the current update has reached the page (it may only just
/// have become visible).
fn focus_menu_button() {
    request_animation_frame(|| {
        if let Some(button) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(MENU_BUTTON_ID))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = button.focus();
        }
    });
}
