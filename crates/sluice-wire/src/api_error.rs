//! The one error type of server functions on the wire: [`ApiError`], a kind and a sentence a
//! user may read (plus, for a refusal that names a wait, the seconds to wait). Every server
//! function returns `Result<T, ApiError>`; the browser decodes the same type and decides by
//! its [`ErrorKind`], never by its text.
//!
//! On the wire an error is the JSON object `{"kind": "…", "message": "…"}` (with
//! `"retry_after": N` when there is a wait) sent with the HTTP status of its kind
//! ([`ErrorKind::status`], the one table of statuses). `server_fn` itself answers every
//! error with 500; the server sets the kind's status on the response in one place (see
//! `server::api_response`).
//!
//! Pure (serde, serde_json, server_fn, http and thiserror only), like the rest of the wire.

use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// The sentence of an error whose details are only for the server's log.
pub const INTERNAL_MESSAGE: &str = "Something went wrong on the server.";

/// The sentence of an error that never got an answer from Sluice (the network, or something
/// in between that answered in its own words).
pub const UNREACHABLE_MESSAGE: &str = "Could not reach the Sluice server.";

/// What kind of failure an [`ApiError`] is; each kind has one HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request is malformed or makes no sense (400).
    BadRequest,
    /// The request needs a signed-in user and has none (401); the page offers to sign in.
    Unauthorised,
    /// The request is refused: an admin function for a non-admin, a pending account, a
    /// request from another site (403).
    Forbidden,
    /// Something named in the request does not exist, or is another user's (404).
    NotFound,
    /// The path exists but not for this HTTP method (405).
    MethodNotAllowed,
    /// The request clashes with what is stored, e.g. a name already taken (409).
    Conflict,
    /// The request is over a size limit (413).
    TooLarge,
    /// A rate limit is exceeded (429, with `retry_after`).
    TooManyRequests,
    /// The server cannot take this now: shutting down, or busy (503, `retry_after` when a
    /// wait is known).
    Unavailable,
    /// A bug or a failed dependency (500); the sentence is generic, details are logged.
    Internal,
    /// Only made in the browser: no answer from Sluice arrived (network down, server
    /// gone, a proxy's own error page). Worth retrying, unlike a refusal. Never sent.
    Unreachable,
}

impl ErrorKind {
    /// The HTTP status of this kind: the only place statuses of errors are decided.
    pub fn status(self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorised => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unreachable => StatusCode::BAD_GATEWAY,
        }
    }
}

/// A failed server function call, as the caller sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// What went wrong, for code: the status, and whether signing in or retrying helps.
    pub kind: ErrorKind,
    /// What went wrong, for people: a whole sentence, shown as it is.
    pub message: String,
    /// Whole seconds before a retry may succeed (429, a busy 503), also sent as
    /// `Retry-After`; the sentence says it in words because the page shows the sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A 400 saying `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }

    /// The same error, asking the caller to wait `seconds` (at least 1) before retrying.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// The HTTP status this error is sent with.
    pub fn status(&self) -> http::StatusCode {
        self.kind.status()
    }

    /// True when the request failed for want of a signed-in user.
    pub fn asks_to_sign_in(&self) -> bool {
        self.kind == ErrorKind::Unauthorised
    }

    /// The JSON body of this error.
    pub fn to_json(&self) -> String {
        // A struct of strings and numbers always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads an error body; what is not Sluice's JSON (a proxy's page, a cut answer) is
    /// [`ErrorKind::Unreachable`].
    pub fn from_body(body: &[u8]) -> Self {
        serde_json::from_slice(body)
            .unwrap_or_else(|_| Self::new(ErrorKind::Unreachable, UNREACHABLE_MESSAGE))
    }
}

/// True in the browser, where `server_fn` reports failures to reach or read the server;
/// on the server the same variants mean the request could not be read.
fn in_the_browser() -> bool {
    cfg!(target_arch = "wasm32")
}

impl FromServerFnError for ApiError {
    type Encoder = ApiErrorEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => Self::new(ErrorKind::Unreachable, UNREACHABLE_MESSAGE),
            ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::Response(_)
                if in_the_browser() =>
            {
                Self::new(ErrorKind::Unreachable, UNREACHABLE_MESSAGE)
            }
            // The body could not be read: cut by the size limit (the server words that
            // refusal with the limit), or its JSON is wrong (`ArgsJson` made the sentence).
            ServerFnErrorErr::Deserialization(text) if text.contains("length limit exceeded") => {
                Self::new(ErrorKind::TooLarge, "The request is too large.")
            }
            ServerFnErrorErr::Deserialization(sentence) => Self::bad_request(sentence),
            ServerFnErrorErr::Args(_) => {
                Self::bad_request("The request's arguments are not valid.")
            }
            ServerFnErrorErr::MissingArg(name) => {
                Self::bad_request(format!("The request is missing `{name}`."))
            }
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::Response(_) => Self::new(ErrorKind::Internal, INTERNAL_MESSAGE),
        }
    }
}

/// How an [`ApiError`] travels: JSON, read leniently (see [`ApiError::from_body`]).
pub struct ApiErrorEncoding;

impl ContentType for ApiErrorEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for ApiErrorEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl Encodes<ApiError> for ApiErrorEncoding {
    type Error = serde_json::Error;

    fn encode(error: &ApiError) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(error).map(Bytes::from)
    }
}

impl Decodes<ApiError> for ApiErrorEncoding {
    type Error = std::convert::Infallible;

    fn decode(bytes: Bytes) -> Result<ApiError, Self::Error> {
        Ok(ApiError::from_body(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_its_kind_and_sentence_in_json() {
        let error = ApiError::new(ErrorKind::Unauthorised, "Sign in to continue.");
        assert_eq!(
            error.to_json(),
            r#"{"kind":"unauthorised","message":"Sign in to continue."}"#
        );
        let wait = ApiError::new(ErrorKind::TooManyRequests, "Wait 3 s.").with_retry_after(3);
        assert_eq!(
            wait.to_json(),
            r#"{"kind":"too_many_requests","message":"Wait 3 s.","retry_after":3}"#
        );
        assert_eq!(ApiError::de(wait.ser()), wait);
        assert_eq!(wait.status(), http::StatusCode::TOO_MANY_REQUESTS);
    }

    #[test]
    fn what_is_not_sluice_json_is_unreachable() {
        for body in [&b"<html>502 Bad Gateway</html>"[..], b"ServerError|x", b""] {
            let error = ApiError::from_body(body);
            assert_eq!(error.kind, ErrorKind::Unreachable);
            assert_eq!(error.message, UNREACHABLE_MESSAGE);
        }
    }

    #[test]
    fn only_unauthorised_asks_to_sign_in() {
        assert!(ApiError::new(ErrorKind::Unauthorised, "x").asks_to_sign_in());
        assert!(!ApiError::new(ErrorKind::Forbidden, "Sign in to continue.").asks_to_sign_in());
    }

    #[test]
    fn a_body_cut_by_the_limit_is_too_large() {
        let error = ApiError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "length limit exceeded".to_string(),
        ));
        assert_eq!(error.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
    }
}
