//! The "Sign in" link shown next to an error that is the server's 401 refusal ("Sign in to
//! continue.": the session expired or ended in another tab). It loads `/sign-in` as a new
//! page; any other error gets nothing.

use crate::components::account::full_navigation::{asks_to_sign_in, SIGN_IN_PATH};
use leptos::prelude::*;

/// A link to `/sign-in` when `message` asks for it.
pub fn sign_in_link(message: &str) -> Option<impl IntoView> {
    asks_to_sign_in(message).then(|| {
        view! {
            <a class="sign-in-link" href=SIGN_IN_PATH rel="external" data-testid="sign-in-link">
                "Sign in"
            </a>
        }
    })
}
