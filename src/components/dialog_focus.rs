//! Focus for a modal dialog (the `?` shortcuts list, the image lightbox): when it opens, focus
//! moves to its Close button and the element that had focus (the opener) is remembered; when it
//! closes, focus goes back to the opener. [`follow_dialog_focus`] installs that on a dialog.
//!
//! The opener is kept as `Option<SendWrapper<HtmlElement>>` in a thread-safe `StoredValue`: on
//! the server it is always `None`, so nothing thread-bound exists there. (A `new_local` stored
//! value wraps the whole value in a `SendWrapper`, which panics when the server drops the
//! page's reactive owner on another worker thread — that broke server-rendered pages.)

use leptos::html::Button;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// Moves focus into the dialog (its `close_button`) whenever `open` turns true and back to the
/// element that had focus before when it turns false.
pub fn follow_dialog_focus(open: impl Fn() -> bool + 'static, close_button: NodeRef<Button>) {
    let opener = StoredValue::new(None::<SendWrapper<web_sys::HtmlElement>>);
    Effect::watch(
        open,
        move |open, _, _| {
            if *open {
                let active = document()
                    .active_element()
                    .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
                opener.set_value(active.map(SendWrapper::new));
                request_animation_frame(move || {
                    if let Some(button) = close_button.get_untracked() {
                        let _ = button.focus();
                    }
                });
            } else if let Some(element) = opener.try_update_value(Option::take).flatten() {
                let _ = element.focus();
            }
        },
        false,
    );
}
