//! Files arriving by paste or drop: [`files_of`] reads the files a clipboard or drag carries,
//! [`carries_files`] tells a file drag from any other (the sidebar drags conversations), and
//! [`guard_page_drops`] keeps a file dropped anywhere but a drop target from making the
//! browser leave the page to open it. Browser only (called from event handlers and effects).

use leptos::ev;
use leptos::prelude::*;
use web_sys::{DataTransfer, File};

/// The files `transfer` carries (none for plain text).
pub fn files_of(transfer: Option<DataTransfer>) -> Vec<File> {
    let Some(list) = transfer.and_then(|t| t.files()) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// True when a drag carries files (its types list `Files`).
pub fn carries_files(transfer: Option<&DataTransfer>) -> bool {
    transfer.is_some_and(|t| {
        t.types()
            .iter()
            .any(|kind| kind.as_string().as_deref() == Some("Files"))
    })
}

/// Until the calling component goes: a file dragged over or dropped on any part of the page
/// that does not take it shows "no drop" and is ignored, instead of the browser navigating
/// away to the file (losing the draft).
pub fn guard_page_drops() {
    let over = window_event_listener(ev::dragover, |event| {
        if !event.default_prevented() && carries_files(event.data_transfer().as_ref()) {
            event.prevent_default();
            if let Some(transfer) = event.data_transfer() {
                transfer.set_drop_effect("none");
            }
        }
    });
    let drop = window_event_listener(ev::drop, |event| {
        if !event.default_prevented() && carries_files(event.data_transfer().as_ref()) {
            event.prevent_default();
        }
    });
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });
}
