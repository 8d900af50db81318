//! Who a request acts for and how people get in: the [`identity`] middleware resolves a user once
//! per request (session cookie, trusted proxy header, or the built-in user), [`session_cookie`]
//! and [`session_start`] carry sessions, [`sign_in_throttle`] slows password guessing (its counts
//! in Redis with `[cluster] redis_url`: [`shared_throttle`]; both count by [`throttle_rules`]),
//! [`admin_setup`] guards the first sign-up and [`admin_cli`] is `sluice admin`.

pub mod admin_cli;
pub mod admin_setup;
pub mod identity;
pub mod request_identity;
pub mod session_cookie;
pub mod session_start;
pub mod shared_throttle;
pub mod sign_in_throttle;
pub mod throttle_rules;
pub mod trusted_header;
