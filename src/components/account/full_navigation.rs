//! Full page loads for the account pages: after a sign-in, sign-up or sign-out the next page
//! must be rendered by the server with the new (or no) session cookie, so these leave the
//! client-side router and ask the browser to load the address anew.

/// Where a request refused with 401 ("Sign in to continue.") sends the user.
pub const SIGN_IN_PATH: &str = "/sign-in";

/// The refusal sentence the server sends with a 401 (see `server::auth::identity`).
pub const SIGN_IN_MESSAGE: &str = "Sign in to continue.";

/// Loads `path` as a new document. Browser only: call it from event handlers and tasks that
/// follow them, never while rendering.
pub fn load_page(path: &str) {
    // Failing to navigate leaves the user on the page, where the next action shows the error.
    let _ = leptos::prelude::window().location().assign(path);
}

/// True when `message` is the server's "you are not signed in" refusal.
pub fn asks_to_sign_in(message: &str) -> bool {
    message == SIGN_IN_MESSAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sign_in_refusal_asks_to_sign_in() {
        assert!(asks_to_sign_in("Sign in to continue."));
        assert!(!asks_to_sign_in("Could not reach the Sluice server."));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_constants_match_the_server() {
        assert_eq!(SIGN_IN_PATH, crate::server::auth::identity::SIGN_IN_PATH);
        assert_eq!(
            SIGN_IN_MESSAGE,
            crate::server::auth::identity::SIGN_IN_MESSAGE
        );
    }
}
