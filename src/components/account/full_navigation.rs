//! Full page loads for the account pages: after a sign-in, sign-up or sign-out the next page
//! must be rendered by the server with the new (or no) session cookie, so these leave the
//! client-side router and ask the browser to load the address anew.

/// Where a request refused with 401 (kind `Unauthorised`) sends the user.
pub const SIGN_IN_PATH: &str = "/sign-in";

/// Loads `path` as a new document. Browser only: call it from event handlers and tasks that
/// follow them, never while rendering.
pub fn load_page(path: &str) {
    // Failing to navigate leaves the user on the page, where the next action shows the error.
    let _ = leptos::prelude::window().location().assign(path);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn the_sign_in_path_matches_the_server() {
        assert_eq!(SIGN_IN_PATH, crate::server::auth::identity::SIGN_IN_PATH);
    }
}
