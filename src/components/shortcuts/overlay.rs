//! The `?` overlay and its button: a modal dialog (`role="dialog"`, `aria-modal`, labelled by
//! its heading) listing [`super::SHORTCUTS`] with the keys for the reader's platform (Ctrl or
//! ⌘). Opening it moves focus to its Close button and keeps Tab there; Esc, `?`, Close or a
//! click outside closes it and focus returns to where it was. Beside it, the status line the
//! shortcuts speak through ("Copied the last answer."), a polite live region.
//!
//! [`ShortcutsButton`] ("Keyboard shortcuts ?") makes the list discoverable without a
//! keyboard; it renders the dialog and status line into `<body>` (a portal, browser only), so
//! they show even when the sidebar the button sits in is hidden.

use super::{current_platform, SHORTCUTS};
use leptos::html::Button;
use leptos::portal::Portal;
use leptos::prelude::*;
use std::time::Duration;

/// How long a status sentence stays on screen.
const STATUS_SHOWN: Duration = Duration::from_secs(4);

/// The overlay's state, a context provided by [`super::handler::install`].
#[derive(Clone, Copy)]
pub struct OverlayState {
    /// Whether the list is open.
    pub open: RwSignal<bool>,
    /// The sentence the status line shows (empty: nothing).
    pub status: RwSignal<String>,
    /// Bumped per sentence, so an older sentence's timer does not clear a newer one.
    said: StoredValue<u64>,
}

impl OverlayState {
    /// Closed, nothing said.
    pub fn new() -> Self {
        OverlayState {
            open: RwSignal::new(false),
            status: RwSignal::new(String::new()),
            said: StoredValue::new(0),
        }
    }

    /// Shows `text` in the status line for a few seconds.
    pub fn announce(&self, text: &str) {
        let this = *self;
        let turn = self.said.get_value().wrapping_add(1);
        self.said.set_value(turn);
        self.status.set(text.to_string());
        set_timeout(
            move || {
                if this.said.try_get_value() == Some(turn) {
                    this.status.try_set(String::new());
                }
            },
            STATUS_SHOWN,
        );
    }
}

impl Default for OverlayState {
    fn default() -> Self {
        Self::new()
    }
}

/// "Keyboard shortcuts ?": opens the list; also hosts the dialog and the status line.
#[component]
pub fn ShortcutsButton() -> impl IntoView {
    let Some(state) = use_context::<OverlayState>() else {
        return ().into_any();
    };
    view! {
        <button
            type="button"
            class="shortcuts-button"
            data-testid="shortcuts-button"
            aria-haspopup="dialog"
            aria-keyshortcuts="?"
            on:click=move |_| state.open.set(true)
        >
            "Keyboard shortcuts"
            <kbd aria-hidden="true">"?"</kbd>
        </button>
        <Portal>
            <ShortcutsDialog state />
            <div class="shortcut-status" role="status" data-testid="shortcut-status">
                {move || state.status.get()}
            </div>
        </Portal>
    }
    .into_any()
}

/// The dialog, shown while `state.open`.
#[component]
fn ShortcutsDialog(state: OverlayState) -> impl IntoView {
    let close_button = NodeRef::<Button>::new();
    crate::components::dialog_focus::follow_dialog_focus(move || state.open.get(), close_button);
    let close = move |_| state.open.set(false);
    // Close is the dialog's one control: Tab and Shift+Tab stay on it.
    let keep_focus_inside = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Tab" {
            ev.prevent_default();
            if let Some(button) = close_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let platform = current_platform();
    view! {
        <Show when=move || state.open.get()>
            <div class="shortcuts-backdrop" on:click=close></div>
            <div
                class="shortcuts-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="shortcuts-title"
                data-testid="shortcuts-overlay"
                on:keydown=keep_focus_inside
            >
                <div class="shortcuts-header">
                    <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                    <button
                        type="button"
                        node_ref=close_button
                        data-testid="shortcuts-close"
                        on:click=close
                    >
                        "Close"
                    </button>
                </div>
                <table class="shortcuts-table">
                    <thead>
                        <tr>
                            <th scope="col">"Action"</th>
                            <th scope="col">"Keys"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {SHORTCUTS
                            .iter()
                            .map(|shortcut| {
                                let keys = shortcut
                                    .keys
                                    .iter()
                                    .enumerate()
                                    .map(|(i, chord)| {
                                        view! {
                                            {(i > 0).then_some(" or ")}
                                            <kbd>{chord.label(platform)}</kbd>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <tr data-testid="shortcut-row" data-action=shortcut.action.slug()>
                                        <td>{shortcut.description}</td>
                                        <td>{keys}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <p class="shortcuts-note">
                    "? and / work when the cursor is not in a text field; Esc stops an answer while it is written."
                </p>
            </div>
        </Show>
    }
}
