//! The account menu's inline "Change password" form: the current password and the new one.
//! The server checks the current one (403 when wrong) and ends the user's other sessions;
//! this browser stays signed in. A success closes nothing: it says so and empties the fields.

use crate::account::check_password;
use crate::api::change_password;
use crate::components::account::form_parts::{AccountError, AuthField};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The change-password form.
#[component]
pub fn ChangePasswordForm() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (old_password, new_password) = (current.get_untracked(), new.get_untracked());
        done.set(false);
        if let Err(reason) = check_password(&new_password) {
            error.set(Some(reason));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            match change_password(old_password, new_password).await {
                Ok(()) => {
                    current.try_set(String::new());
                    new.try_set(String::new());
                    done.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <form class="account-form" data-testid="change-password-form" on:submit=submit>
            <AuthField
                label="Current password"
                kind="password"
                autocomplete="current-password"
                testid="current-password"
                value=current
            />
            <AuthField
                label="New password"
                kind="password"
                autocomplete="new-password"
                testid="new-password"
                value=new
            />
            <button type="submit" data-testid="change-password-save" disabled=move || busy.get()>
                "Save password"
            </button>
            <AccountError error />
            <Show when=move || done.get()>
                <p class="account-note" role="status" data-testid="account-message">
                    "Password changed. Other devices were signed out."
                </p>
            </Show>
        </form>
    }
}
