//! One row of the admin page's users table: name, status, role, creation date and the actions
//! that fit the row (Approve a pending account, Disable / Enable, Promote / Demote, and a reset
//! password input). Each action calls its admin function; a success bumps the page's version
//! (the table loads again), a refusal (409 for the last admin, 403, 404) goes to the page's
//! alert. Rendered in the browser only (the page loads its data there), so the date is in the
//! reader's time zone.

use crate::account::{check_password, AccountStatus, UserSummary};
use crate::api::{admin_reset_password, admin_set_admin, admin_set_status};
use crate::api_error::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// A users-table row.
#[component]
pub fn AdminUserRow(
    /// The account this row shows.
    user: UserSummary,
    /// Bumped after a successful change, so that the page reloads the table.
    version: RwSignal<u32>,
    /// The page's alert, for refusals.
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = user.id;
    let busy = RwSignal::new(false);
    let new_password = RwSignal::new(String::new());

    // Runs one admin call; the table may be reloaded (this row disposed) meanwhile.
    let act = move |call: std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>>>>| {
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    version.try_update(|v| *v = v.wrapping_add(1));
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };
    let set_status = move |status: AccountStatus| act(Box::pin(admin_set_status(id, status)));
    let set_admin = move |is_admin: bool| act(Box::pin(admin_set_admin(id, is_admin)));
    let reset = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let password = new_password.get_untracked();
        if let Err(reason) = check_password(&password) {
            error.set(Some(reason));
            return;
        }
        new_password.set(String::new());
        act(Box::pin(admin_reset_password(id, password)));
    };

    let status_button = match user.status {
        AccountStatus::Pending => view! {
            <button type="button" data-testid="approve-user" disabled=move || busy.get()
                on:click=move |_| set_status(AccountStatus::Active)>"Approve"</button>
        }
        .into_any(),
        AccountStatus::Active => view! {
            <button type="button" data-testid="disable-user" disabled=move || busy.get()
                on:click=move |_| set_status(AccountStatus::Disabled)>"Disable"</button>
        }
        .into_any(),
        AccountStatus::Disabled => view! {
            <button type="button" data-testid="enable-user" disabled=move || busy.get()
                on:click=move |_| set_status(AccountStatus::Active)>"Enable"</button>
        }
        .into_any(),
    };
    let role_button = if user.is_admin {
        view! {
            <button type="button" data-testid="demote-user" disabled=move || busy.get()
                on:click=move |_| set_admin(false)>"Demote"</button>
        }
        .into_any()
    } else {
        view! {
            <button type="button" data-testid="promote-user" disabled=move || busy.get()
                on:click=move |_| set_admin(true)>"Promote"</button>
        }
        .into_any()
    };
    let created = js_sys::Date::new(&(user.created_at as f64).into())
        .to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default();

    view! {
        <tr data-testid="user-row" data-name=user.name.clone() data-status=user.status.as_str()>
            <td class="user-name">{user.name.clone()}</td>
            <td data-testid="user-status">{user.status.as_str()}</td>
            <td data-testid="user-role">{if user.is_admin { "admin" } else { "user" }}</td>
            <td>{created}</td>
            <td class="user-actions">
                {status_button}
                {role_button}
                <form class="reset-password" on:submit=reset>
                    <input
                        type="password"
                        autocomplete="new-password"
                        placeholder="New password"
                        aria-label=format!("New password for {}", user.name)
                        data-testid="reset-password-input"
                        prop:value=move || new_password.get()
                        on:input=move |ev| new_password.set(event_target_value(&ev))
                    />
                    <button type="submit" data-testid="reset-password-save" disabled=move || busy.get()>
                        "Reset password"
                    </button>
                </form>
            </td>
        </tr>
    }
}
