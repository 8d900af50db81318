//! Who a request acts for, as the [`identity`](crate::server::auth::identity) middleware
//! stored it in the request's extensions: [`RequestIdentity`], and the two ways handlers read it
//! ([`identity_of`], [`user_of`]). Apart from the middleware so the shared state and the routes
//! can read an identity without depending on how it was resolved.

use crate::server::error::AppError;
use crate::store::Account;
use axum::http::Extensions;

/// The refusal text for a request without a user.
pub const SIGN_IN_MESSAGE: &str = "Sign in to continue.";

/// Who a request acts for (kept in the request's extensions; deliberately not `Debug`, it
/// holds the session token).
#[derive(Clone)]
pub struct RequestIdentity {
    /// The active user, if any.
    pub user: Option<Account>,
    /// The token of the live session the request's cookie names (`local` mode), so sign-out
    /// and password changes know which session is the caller's.
    pub session_token: Option<String>,
    /// The token the request's cookie carries even when it names no live session, so a
    /// sign-in can delete the session it replaces (rotation).
    pub presented_token: Option<String>,
    /// Whether the request reached the proxy over https (`X-Forwarded-Proto: https` from a
    /// trusted proxy), for the cookie's `Secure`.
    pub https: bool,
}

impl RequestIdentity {
    /// The signed-in user, or the 401 a plain axum route answers without one.
    pub fn require_user(&self) -> Result<crate::store::UserId, AppError> {
        self.user
            .as_ref()
            .map(|account| account.id)
            .ok_or_else(|| AppError::Unauthorized(SIGN_IN_MESSAGE.to_string()))
    }
}

/// The identity the middleware stored in `extensions` (a bug if missing: 500).
pub fn identity_of(extensions: &Extensions) -> Result<&RequestIdentity, AppError> {
    extensions
        .get::<RequestIdentity>()
        .ok_or_else(|| AppError::Internal("request identity missing".to_string()))
}

/// The user a request acts for; 401 without one.
pub fn user_of(extensions: &Extensions) -> Result<&Account, AppError> {
    identity_of(extensions)?
        .user
        .as_ref()
        .ok_or_else(|| AppError::Unauthorized(SIGN_IN_MESSAGE.to_string()))
}
