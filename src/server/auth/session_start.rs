//! Starting and ending a browser's session on behalf of the auth server functions: a sign-in
//! (or an active sign-up) deletes the session the browser presented (rotation), sweeps expired
//! rows, creates a fresh session and sets its cookie; sign-out clears the cookie.

use crate::server::auth::request_identity::RequestIdentity;
use crate::server::auth::session_cookie;
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::store::Account;
use axum::http::{header, HeaderValue};

/// Sets `Set-Cookie` on the server function's response.
fn set_cookie(value: Option<HeaderValue>) -> Result<(), AppError> {
    let value = value.ok_or_else(|| AppError::Internal("unencodable cookie".to_string()))?;
    let options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| AppError::Internal("ResponseOptions missing from context".to_string()))?;
    options.insert_header(header::SET_COOKIE, value);
    Ok(())
}

/// Signs `account` in: replaces the presented session with a new one and sets its cookie.
pub async fn start(
    state: &AppState,
    identity: &RequestIdentity,
    account: &Account,
) -> Result<(), AppError> {
    if let Some(old) = &identity.presented_token {
        state.store.delete_session(old).await?;
    }
    state.store.delete_expired_sessions().await?;
    let auth = &state.config.auth;
    let token = state
        .store
        .create_session(account.id, auth.session_lifetime)
        .await?;
    let secure = session_cookie::is_secure(auth, identity.https);
    set_cookie(session_cookie::start(auth, &token, secure))?;
    tracing::info!(user = account.id.0, "signed in");
    Ok(())
}

/// Tells the browser to forget its session cookie.
pub fn clear_cookie(state: &AppState, identity: &RequestIdentity) -> Result<(), AppError> {
    let secure = session_cookie::is_secure(&state.config.auth, identity.https);
    set_cookie(session_cookie::end(secure))
}

/// Refuses password operations unless accounts are local (`off` has none, and behind a
/// trusted proxy the proxy checks passwords).
pub fn require_local_mode(state: &AppState) -> Result<(), AppError> {
    if state.config.auth.mode == crate::account::AuthMode::Local {
        Ok(())
    } else {
        Err(AppError::BadRequest(
            "Passwords are not used here: the server is not in local account mode.".to_string(),
        ))
    }
}
