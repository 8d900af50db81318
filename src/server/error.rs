//! The one error type of request handlers. Its public text is safe to show a user; internal
//! details are logged once, here, and replaced by a generic message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use server_fn::ServerFnError;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed or makes no sense (HTTP 400); the text says why.
    #[error("{0}")]
    BadRequest(String),
    /// The request needs a signed-in user and has none (HTTP 401).
    #[error("{0}")]
    Unauthorized(String),
    /// The user may not do this, e.g. an admin function for a non-admin (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// Something named in the request does not exist (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what is stored, e.g. a name already taken (HTTP 409); the
    /// text says what clashed.
    #[error("{0}")]
    Conflict(String),
    /// The request is over a size limit (HTTP 413).
    #[error("{0}")]
    PayloadTooLarge(String),
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
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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

    /// Converts into a server function error, setting the HTTP status of the response.
    pub fn into_server_fn_error(self) -> ServerFnError {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(self.status());
        }
        ServerFnError::ServerError(self.public_message())
    }
}

impl AppError {
    /// A store error as a request error, `missing` being the 404 text (e.g. "That preset does
    /// not exist."); conflicts keep the store's user-safe text, the rest is internal.
    pub fn from_store(error: crate::store::StoreError, missing: &str) -> Self {
        if error.is_not_found() {
            Self::NotFound(missing.to_string())
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
        (self.status(), self.public_message()).into_response()
    }
}
