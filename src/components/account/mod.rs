//! Accounts in the browser: the `/sign-in` page (`sign_in_page` with its `credentials_form`s),
//! the sidebar's account `menu` (with the `change_password_form`), the `form_parts` they share, the `sign_in_link` shown
//! next to a 401 error, and `full_navigation` (whole-page loads after the session changed).

pub mod change_password_form;
pub mod credentials_form;
pub mod form_parts;
pub mod full_navigation;
pub mod menu;
pub mod sign_in_link;
pub mod sign_in_page;
