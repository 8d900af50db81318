//! The account menu at the bottom of the sidebar: who is signed in, "Change password", "Sign
//! out", "Sign out everywhere" and, for admins, a link to `/admin`. Absent in `off` mode
//! (nobody signs in); in `trusted_header` mode only the name and the admin link (the proxy
//! owns sign-in). The auth status is loaded in the browser only, so the server renders
//! nothing here and hydration has nothing to disagree about. A sign-out loads `/sign-in`.

use crate::account::{AccountInfo, AuthMode};
use crate::api::{get_auth_status, sign_out, sign_out_everywhere};
use crate::components::account::change_password_form::ChangePasswordForm;
use crate::components::account::form_parts::AccountError;
use crate::components::account::full_navigation::{load_page, SIGN_IN_PATH};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The account menu (nothing in `off` mode or before the status arrives).
#[component]
pub fn AccountMenu() -> impl IntoView {
    let status = LocalResource::new(get_auth_status);
    move || {
        let status = status.get()?.ok()?;
        let user = status.user?;
        (status.mode != AuthMode::Off).then(|| view! { <SignedInMenu user mode=status.mode /> })
    }
}

/// The menu for a signed-in `user`.
#[component]
fn SignedInMenu(user: AccountInfo, mode: AuthMode) -> impl IntoView {
    let password_open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let local = mode == AuthMode::Local;

    let end_session = move |everywhere: bool| {
        error.set(None);
        spawn_local(async move {
            let result = if everywhere {
                sign_out_everywhere().await.map(|_| ())
            } else {
                sign_out().await
            };
            match result {
                Ok(()) => load_page(SIGN_IN_PATH),
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };

    view! {
        <section class="account-menu" data-testid="account-menu" aria-label="Account">
            <p class="account-name">
                "Signed in as " <strong data-testid="account-name">{user.name.clone()}</strong>
            </p>
            {user
                .is_admin
                .then(|| {
                    view! {
                        <a class="button-link" href="/admin" data-testid="admin-link">
                            "Admin"
                        </a>
                    }
                })}
            {local
                .then(|| {
                    view! {
                        <button
                            type="button"
                            data-testid="change-password-toggle"
                            aria-expanded=move || password_open.get().to_string()
                            on:click=move |_| password_open.update(|o| *o = !*o)
                        >
                            "Change password"
                        </button>
                        <Show when=move || password_open.get()>
                            <ChangePasswordForm />
                        </Show>
                        <button type="button" data-testid="sign-out" on:click=move |_| end_session(false)>
                            "Sign out"
                        </button>
                        <button
                            type="button"
                            data-testid="sign-out-everywhere"
                            on:click=move |_| end_session(true)
                        >
                            "Sign out everywhere"
                        </button>
                    }
                })}
            <AccountError error />
        </section>
    }
}
