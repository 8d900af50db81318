//! The one error type of request handlers inside the server. Its public text is safe to show
//! a user; internal details are logged once, here, and replaced by a generic message. Server
//! functions hand it to their callers as the wire's [`ApiError`] (`?` converts); plain axum
//! routes answer it as plain text with its status.

use crate::api_error::{ApiError, ErrorKind};
use crate::server::api_response;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The `Retry-After` of a [`AppError::Busy`]: hashing slots free up within a second or so.
const BUSY_RETRY_SECS: u64 = 2;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed or makes no sense (HTTP 400); the text says why.
    #[error("{0}")]
    BadRequest(String),
    /// The request needs a signed-in user and has none (HTTP 401).
    #[error("{0}")]
    Unauthorized(String),
    /// The request is refused: an admin function for a non-admin, or a request from another
    /// site (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// Something named in the request does not exist (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The path exists but not for this HTTP method (HTTP 405); the text names the right one.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The request clashes with what is stored, e.g. a name already taken (HTTP 409); the
    /// text says what clashed.
    #[error("{0}")]
    Conflict(String),
    /// The request is over a size limit (HTTP 413).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A rate limit is exceeded (HTTP 429 with `Retry-After`); the text says how long to wait,
    /// because the page shows the text, not the header.
    #[error("{message}")]
    TooManyRequests {
        /// What was refused and how long to wait, in words.
        message: String,
        /// Whole seconds until a retry may succeed (at least 1), sent as `Retry-After`.
        retry_after_secs: u64,
    },
    /// The server cannot take this now, e.g. it is shutting down (HTTP 503); the text says so.
    #[error("{0}")]
    Unavailable(String),
    /// A shared resource stayed taken too long, e.g. every password-hashing slot (HTTP 503
    /// with `Retry-After`); the text asks to try again shortly.
    #[error("{message}")]
    Busy {
        /// What to do, in words.
        message: String,
        /// Whole seconds to wait before retrying, sent as `Retry-After`.
        retry_after_secs: u64,
    },
    /// A bug or an unavailable dependency (HTTP 500); the text is only logged.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The wire's kind of this error, which decides its HTTP status.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::BadRequest(_) => ErrorKind::BadRequest,
            Self::Unauthorized(_) => ErrorKind::Unauthorised,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::MethodNotAllowed(_) => ErrorKind::MethodNotAllowed,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::PayloadTooLarge(_) => ErrorKind::TooLarge,
            Self::TooManyRequests { .. } => ErrorKind::TooManyRequests,
            Self::Unavailable(_) | Self::Busy { .. } => ErrorKind::Unavailable,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The HTTP status for this error (its kind's).
    pub fn status(&self) -> StatusCode {
        self.kind().status()
    }

    /// Whole seconds this error asks the caller to wait, if any.
    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests {
                retry_after_secs, ..
            }
            | Self::Busy {
                retry_after_secs, ..
            } => Some((*retry_after_secs).max(1)),
            _ => None,
        }
    }

    /// The `Retry-After` value this error asks for, if any.
    pub fn retry_after(&self) -> Option<HeaderValue> {
        self.retry_after_secs().map(HeaderValue::from)
    }

    /// The text a user may see; logs internal errors (the only place they are logged).
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(detail) => {
                tracing::error!("internal error: {detail}");
                crate::api_error::INTERNAL_MESSAGE.to_string()
            }
            other => other.to_string(),
        }
    }

    /// The response refusing a request to `path` in front of the handlers: the
    /// [`ApiError`] JSON for a server function, plain text elsewhere (see
    /// [`api_response::refusal`]).
    pub fn into_api_response(self, path: &str) -> Response {
        api_response::refusal(ApiError::from(self), path)
    }
}

/// What a server function's caller sees: the kind and the public sentence (internal details
/// are logged here, once, and replaced by a generic sentence).
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let retry_after = error.retry_after_secs();
        let api_error = ApiError::new(error.kind(), error.public_message());
        match retry_after {
            Some(seconds) => api_error.with_retry_after(seconds),
            None => api_error,
        }
    }
}

impl AppError {
    /// A store error as a request error, `missing` being the 404 text (e.g. "That preset does
    /// not exist."); conflicts keep the store's user-safe text, the rest is internal.
    pub fn from_store(error: crate::store::StoreError, missing: &str) -> Self {
        if error.is_not_found() {
            Self::NotFound(missing.to_string())
        } else if error.is_busy() {
            if error.is_unavailable() {
                // Logged here, once per refused request; the client gets the sentence only.
                tracing::warn!("{error}");
            }
            Self::Busy {
                message: error.public_busy_message().to_string(),
                retry_after_secs: BUSY_RETRY_SECS,
            }
        } else if let Some(message) = error.conflict_message() {
            Self::Conflict(message.to_string())
        } else {
            Self::Internal(error.to_string())
        }
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::from_store(error, "That conversation or message does not exist.")
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after();
        let mut response = (self.status(), self.public_message()).into_response();
        if let Some(retry_after) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after);
        }
        response
    }
}
