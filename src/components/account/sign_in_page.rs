//! The `/sign-in` page. What it offers depends on the server's auth status (loaded in the
//! browser, so server and browser render the same "Loading…" first; read with `get`, not
//! awaited in a `Suspend`, which a local resource does not allow on the server): before the first
//! account exists, the form that creates the administrator (with the set-up token the server
//! printed at start-up); otherwise the sign-in form with a
//! toggle to the sign-up form (not in `closed` sign-up mode), and after an `approval`-mode
//! sign-up the note that the account waits for an admin. In `off` and `trusted_header` mode
//! nobody signs in here, and the page says so with a link to the chat. A success loads `/`
//! anew, so the chat is rendered by the server with the new session cookie.

use crate::account::{AuthMode, AuthStatus, SignupMode};
use crate::api::get_auth_status;
use crate::components::account::credentials_form::{CredentialsForm, FormKind};
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in / sign-up page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let status = LocalResource::new(get_auth_status);
    view! {
        <Title text="Sign in · Sluice" />
        <main class="auth-page" data-testid="auth-page">
            <h1 class="auth-brand">"Sluice"</h1>
            {move || match status.get() {
                None => view! { <p class="auth-note">"Loading…"</p> }.into_any(),
                Some(Ok(status)) => auth_panel(status),
                Some(Err(e)) => {
                    view! {
                        <p class="auth-error" role="alert" data-testid="auth-error">
                            {e.to_string()}
                        </p>
                    }
                        .into_any()
                }
            }}
        </main>
    }
}

/// What the page shows for `status`.
fn auth_panel(status: AuthStatus) -> AnyView {
    match (status.mode, &status.user) {
        (AuthMode::Off, _) => {
            no_sign_in_needed("Sign-in is not needed: this Sluice runs in single-user mode.")
        }
        (AuthMode::TrustedHeader, _) => {
            no_sign_in_needed("Sign-in is handled by the proxy in front of this Sluice.")
        }
        (AuthMode::Local, Some(user)) => {
            no_sign_in_needed(&format!("You are signed in as {}.", user.name))
        }
        (AuthMode::Local, None) => view! { <LocalForms status /> }.into_any(),
    }
}

/// A note with a link to the chat, for modes where this page has nothing to do.
fn no_sign_in_needed(text: &str) -> AnyView {
    view! {
        <section class="auth-panel">
            <p class="auth-note" data-testid="auth-message">{text.to_string()}</p>
            <a class="auth-link" href="/" rel="external">"Open the chat"</a>
        </section>
    }
    .into_any()
}

/// The forms of `local` mode: first admin, sign-in, sign-up.
#[component]
fn LocalForms(status: AuthStatus) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let signing_up = RwSignal::new(false);
    let may_sign_up = status.signup != SignupMode::Closed;
    let approval = status.signup == SignupMode::Approval;

    // A pending sign-up goes back to the sign-in form, under the note.
    Effect::new(move |_| {
        if pending.get() {
            signing_up.set(false);
        }
    });

    let error_view = move || {
        error.get().map(|text| {
            view! { <p class="auth-error" role="alert" data-testid="auth-error">{text}</p> }
        })
    };

    if status.first_user {
        let setup_token = status.setup_token_needed;
        return view! {
            <section class="auth-panel">
                <h2>"Create the administrator account"</h2>
                <p class="auth-note" data-testid="auth-message">
                    "No account exists yet. The first account administers this Sluice."
                </p>
                {setup_token
                    .then(|| {
                        view! {
                            <p class="auth-note">
                                "Enter the set-up token the server printed when it started "
                                "(or create the administrator with "
                                <code>"sluice admin create NAME"</code>
                                " on the server)."
                            </p>
                        }
                    })}
                <CredentialsForm
                    kind=FormKind::SignUp
                    submit_label="Create account"
                    error
                    pending
                    setup_token
                />
                {error_view}
            </section>
        }
        .into_any();
    }

    view! {
        <section class="auth-panel">
            <Show when=move || pending.get()>
                <p class="auth-note" role="status" data-testid="auth-message">
                    "Your account was created and waits for an administrator's approval. "
                    "You can sign in once it is approved."
                </p>
            </Show>
            <Show
                when=move || signing_up.get()
                fallback=move || {
                    view! {
                        <h2>"Sign in"</h2>
                        <CredentialsForm kind=FormKind::SignIn submit_label="Sign in" error pending />
                    }
                }
            >
                <h2>"Create an account"</h2>
                {approval
                    .then(|| {
                        view! {
                            <p class="auth-note">
                                "An administrator approves new accounts before they can sign in."
                            </p>
                        }
                    })}
                <CredentialsForm kind=FormKind::SignUp submit_label="Create account" error pending />
            </Show>
            {error_view}
            {may_sign_up
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="auth-toggle"
                            data-testid="sign-up-toggle"
                            on:click=move |_| {
                                error.set(None);
                                signing_up.update(|s| *s = !*s);
                            }
                        >
                            {move || {
                                if signing_up.get() {
                                    "I have an account: sign in"
                                } else {
                                    "Create an account"
                                }
                            }}
                        </button>
                    }
                })}
        </section>
    }
    .into_any()
}
