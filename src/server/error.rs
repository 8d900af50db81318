//! The one error type of request handlers. Its public text is safe to show a user; internal
//! details are logged once, here, and replaced by a generic message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use server_fn::error::FromServerFnError;
use server_fn::ServerFnError;

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
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `Retry-After` value this error asks for, if any.
    pub fn retry_after(&self) -> Option<HeaderValue> {
        match self {
            Self::TooManyRequests {
                retry_after_secs, ..
            }
            | Self::Busy {
                retry_after_secs, ..
            } => Some(HeaderValue::from((*retry_after_secs).max(1))),
            _ => None,
        }
    }

    /// The text a user may see; logs internal errors (the only place they are logged).
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(detail) => {
                tracing::error!("internal error: {detail}");
                "Something went wrong on the server.".to_string()
            }
            other => other.to_string(),
        }
    }

    /// Converts into a server function error, setting the HTTP status (and `Retry-After`)
    /// of the response.
    pub fn into_server_fn_error(self) -> ServerFnError {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(self.status());
            if let Some(retry_after) = self.retry_after() {
                options.insert_header(header::RETRY_AFTER, retry_after);
            }
        }
        ServerFnError::ServerError(self.public_message())
    }

    /// The response for a request refused by a middleware in front of the handlers: for
    /// `/api/` server functions the body is encoded as a server-function error
    /// (`ServerError|…`) so the page decodes and shows the text; elsewhere it is plain text.
    pub fn into_api_response(self, path: &str) -> Response {
        let is_server_fn = path.starts_with("/api/")
            && !crate::server::http::export_route::is_export_path(path)
            && !crate::server::turn::events_route::is_events_path(path);
        if !is_server_fn {
            return self.into_response();
        }
        let status = self.status();
        let retry_after = self.retry_after();
        let error: ServerFnError = ServerFnError::ServerError(self.public_message());
        let body = error.ser();
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            )],
            body,
        )
            .into_response();
        if let Some(retry_after) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after);
        }
        response
    }
}

impl AppError {
    /// A store error as a request error, `missing` being the 404 text (e.g. "That preset does
    /// not exist."); conflicts keep the store's user-safe text, the rest is internal.
    pub fn from_store(error: crate::store::StoreError, missing: &str) -> Self {
        if error.is_not_found() {
            Self::NotFound(missing.to_string())
        } else if error.is_busy() {
            Self::Busy {
                message: error.to_string(),
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
