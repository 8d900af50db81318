//! The name + password form of the sign-in page, once for signing in and once for signing up
//! (the two differ in test ids, labels, the password's autocomplete hint and what a success
//! means). It calls the server itself and reports through the page's signals; the page
//! decides what to show next. The sign-up form that creates the first administrator also
//! asks for the set-up token the server printed at start-up.

use crate::account::{check_new_name, check_password, SignUpResult};
use crate::api::{sign_in, sign_up};
use crate::components::account::form_parts::AuthField;
use crate::components::account::full_navigation::load_page;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Which of the two forms this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// An existing account signs in.
    SignIn,
    /// A new account is created.
    SignUp,
}

impl FormKind {
    /// The prefix of the form's test ids (`sign-in-name`, `sign-up-submit`, …).
    fn prefix(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignUp => "sign-up",
        }
    }
}

/// A name + password form that signs in or signs up.
#[component]
pub fn CredentialsForm(
    /// Sign in or sign up.
    kind: FormKind,
    /// The submit button's text ("Sign in", "Create account", …).
    submit_label: &'static str,
    /// Where the page shows a refusal; cleared on every submit.
    error: RwSignal<Option<String>>,
    /// Set when a sign-up created an account that waits for approval (no session started);
    /// a signal rather than a callback so that it is safe to touch after the page is gone.
    pending: RwSignal<bool>,
    /// Whether the form asks for the set-up token (the first administrator's sign-up).
    #[prop(optional)]
    setup_token: bool,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let prefix = kind.prefix();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (entered_name, entered_password) = (name.get_untracked(), password.get_untracked());
        let entered_token = setup_token.then(|| token.get_untracked());
        if kind == FormKind::SignUp {
            let checked =
                check_new_name(&entered_name).and_then(|_| check_password(&entered_password));
            if let Err(reason) = checked {
                error.set(Some(reason));
                return;
            }
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let outcome = match kind {
                FormKind::SignIn => sign_in(entered_name, entered_password).await.map(|_| false),
                FormKind::SignUp => sign_up(entered_name, entered_password, entered_token)
                    .await
                    .map(|SignUpResult { pending, .. }| pending),
            };
            match outcome {
                // Signed in: the chat is rendered by the server with the new cookie.
                Ok(false) => load_page("/"),
                Ok(true) => {
                    password.try_set(String::new());
                    busy.try_set(false);
                    pending.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                    busy.try_set(false);
                }
            }
        });
    };

    let password_hint = match kind {
        FormKind::SignIn => "current-password",
        FormKind::SignUp => "new-password",
    };
    view! {
        <form class="auth-form" data-testid=format!("{prefix}-form") on:submit=submit>
            <AuthField
                label="Name"
                kind="text"
                autocomplete="username"
                testid=format!("{prefix}-name")
                value=name
            />
            <AuthField
                label="Password"
                kind="password"
                autocomplete=password_hint
                testid=format!("{prefix}-password")
                value=password
            />
            {setup_token
                .then(|| {
                    view! {
                        <label class="auth-field">
                            <span>"Set-up token"</span>
                            <input
                                type="text"
                                autocomplete="off"
                                spellcheck="false"
                                required
                                data-testid="sign-up-setup-token"
                                prop:value=move || token.get()
                                on:input=move |ev| token.set(event_target_value(&ev))
                            />
                        </label>
                    }
                })}
            <button
                type="submit"
                class="auth-submit"
                data-testid=format!("{prefix}-submit")
                disabled=move || busy.get()
            >
                {submit_label}
            </button>
        </form>
    }
}
