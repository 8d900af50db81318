//! The "Sign in" link shown next to an error that is the server's 401 refusal (kind
//! `Unauthorised`: the session expired or ended in another tab). It loads `/sign-in` as a new
//! page; any other error gets nothing.

use crate::api_error::ApiError;
use crate::components::account::full_navigation::SIGN_IN_PATH;
use leptos::prelude::*;

/// A link to `/sign-in` when `error` asks for it.
pub fn sign_in_link(error: &ApiError) -> Option<impl IntoView> {
    error.asks_to_sign_in().then(|| {
        view! {
            <a class="sign-in-link" href=SIGN_IN_PATH rel="external" data-testid="sign-in-link">
                "Sign in"
            </a>
        }
    })
}
