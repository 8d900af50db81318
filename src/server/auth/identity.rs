//! Who a request acts for. The [`resolve`] middleware runs before every route: it finds the
//! user (the built-in local user in `off` mode; the session cookie's active account in
//! `local` mode; the account a trusted proxy names in `trusted_header` mode, read by
//! [`trusted_header`](crate::server::auth::trusted_header)), stores a
//! [`RequestIdentity`] in the request's extensions, and turns away requests that need a user
//! and have none: `/api/…` with 401 (except the public sign-in, sign-up and status
//! endpoints), pages (`/`, `/c/…`, `/admin`, `/shared`) with a 303 to `/sign-in`; `/sign-in`
//! itself is open. A shared link (`/s/…` and its `/api/shares/view`) is open when
//! `[sharing] public_links` is on, else it is a page like the others. Static files stay public. Handlers read the
//! identity back through [`user_of`](crate::server::auth::request_identity::user_of) (server functions through
//! [`AppState::require_user`](crate::server::state::AppState::require_user)).

use crate::account::{AccountStatus, AuthMode};
use crate::server::auth::request_identity::{RequestIdentity, SIGN_IN_MESSAGE};
use crate::server::auth::session_cookie;
use crate::server::auth::trusted_header;
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::store::{Account, UserId};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// The API paths open without a user: what the sign-in and sign-up pages need.
pub const PUBLIC_API: [&str; 3] = ["/api/auth/status", "/api/auth/sign_in", "/api/auth/sign_up"];

/// Where a page request without a user is sent.
pub const SIGN_IN_PATH: &str = "/sign-in";

/// The admin page, which (like the chat) sends a visitor without a user to sign in.
pub const ADMIN_PATH: &str = "/admin";

/// The owner's list of shared links (a page for signed-in users).
pub const SHARED_LINKS_PATH: &str = "/shared";

/// Where shared links live (`/s/{token}`): open to anyone with `[sharing] public_links`,
/// else a page for signed-in users like the chat.
pub const SHARED_PAGE_PREFIX: &str = "/s/";

/// The server function a shared page reads its snapshot through (open like the page).
pub const SHARED_VIEW_API: &str = "/api/shares/view";

/// The built-in local user of `off` mode.
fn local_account() -> Account {
    Account {
        id: UserId::LOCAL,
        name: "local".to_string(),
        is_admin: false,
        status: AccountStatus::Active,
    }
}

/// The middleware: resolves the identity, refuses what needs a user and has none.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let identity = match identify(&state, request.headers(), peer).await {
        Ok(identity) => identity,
        Err(error) => return error.into_api_response(request.uri().path()),
    };
    if identity.user.is_none() && state.config.auth.mode != AuthMode::Off {
        let path = request.uri().path();
        // Shared links open without a user only when the admin allows public links.
        let public_share = state.config.sharing.public_links
            && (path.starts_with(SHARED_PAGE_PREFIX) || path == SHARED_VIEW_API);
        if path.starts_with("/api/") && !PUBLIC_API.contains(&path) && !public_share {
            return unauthorized(path);
        }
        let is_page = path == "/"
            || path.starts_with("/c/")
            || path == ADMIN_PATH
            || path == SHARED_LINKS_PATH
            || (path.starts_with(SHARED_PAGE_PREFIX) && !public_share);
        if is_page && matches!(*request.method(), Method::GET | Method::HEAD) {
            return Response::builder()
                .status(StatusCode::SEE_OTHER)
                .header(header::LOCATION, HeaderValue::from_static(SIGN_IN_PATH))
                .body(Body::empty())
                .unwrap_or_else(|_| StatusCode::SEE_OTHER.into_response());
        }
    }
    request.extensions_mut().insert(identity);
    next.run(request).await
}

/// The 401 for a request to `path` without a user: the `ApiError` a server function's caller
/// decodes, plain text for the plain routes (the export download, a turn's events).
fn unauthorized(path: &str) -> Response {
    AppError::Unauthorized(SIGN_IN_MESSAGE.to_string()).into_api_response(path)
}

/// Finds who a request with `headers` from `peer` (absent: not trusted) acts for.
async fn identify(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Result<RequestIdentity, AppError> {
    let auth = &state.config.auth;
    let trusted = peer.is_some_and(|ip| auth.is_trusted_proxy(ip));
    let https = trusted
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let candidates = session_cookie::tokens_from(headers, session_cookie::is_secure(auth, https));
    let mut identity = RequestIdentity {
        user: None,
        session_token: None,
        presented_token: None,
        https,
    };
    match auth.mode {
        AuthMode::Off => identity.user = Some(local_account()),
        AuthMode::Local => {
            // The first candidate naming a live session wins (a planted one cannot shadow it).
            for token in &candidates {
                identity.user = state.store.session_account(token).await?;
                if identity.user.is_some() {
                    identity.session_token = Some(token.clone());
                    break;
                }
            }
            identity.presented_token = identity
                .session_token
                .clone()
                .or_else(|| candidates.into_iter().next());
        }
        AuthMode::TrustedHeader => {
            // From anyone but a trusted proxy the header is ignored, whatever its shape.
            if trusted {
                if let Some(name) = trusted_header::named_user(headers, &auth.trusted_header)? {
                    let account = proxy_account(state, &name).await?;
                    identity.user = Some(account).filter(|a| a.status == AccountStatus::Active);
                }
            }
        }
    }
    Ok(identity)
}

/// The account a trusted proxy names, created (active) on its first request.
async fn proxy_account(state: &AppState, name: &str) -> Result<Account, AppError> {
    if let Some(account) = state.store.account_by_name(name).await? {
        return Ok(account);
    }
    match state.store.create_account(name, None, false).await {
        Ok(account) => {
            tracing::info!(
                user = account.id.0,
                "account created for a proxy-named user"
            );
            Ok(account)
        }
        // Two first requests at once: the other one created it.
        Err(error) if error.conflict_message().is_some() => state
            .store
            .account_by_name(name)
            .await?
            .ok_or_else(|| AppError::Internal("proxy-named account vanished".to_string())),
        Err(error) => Err(error.into()),
    }
}
