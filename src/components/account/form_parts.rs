//! The pieces the account forms share (`credentials_form`, `change_password_form`, `menu`): a
//! labelled input bound to a signal, and the alert that shows an account action's error.

use leptos::prelude::*;

/// A labelled, required input in the `auth-field` style, bound to `value`.
#[component]
pub fn AuthField(
    /// The label shown with the input.
    label: &'static str,
    /// The input's `type` (`text` or `password`).
    kind: &'static str,
    /// The `autocomplete` hint, so password managers fill the right field.
    autocomplete: &'static str,
    /// The `data-testid` the end-to-end tests find the input by.
    #[prop(into)]
    testid: String,
    /// The text, shown and updated as the user types.
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label class="auth-field">
            <span>{label}</span>
            <input
                type=kind
                autocomplete=autocomplete
                required
                data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// The `account-error` alert, shown while `error` holds a sentence.
#[component]
pub fn AccountError(
    /// The last account action's error (`None`: nothing to show).
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        error.get().map(|text| {
            view! { <p class="item-error" role="alert" data-testid="account-error">{text}</p> }
        })
    }
}
