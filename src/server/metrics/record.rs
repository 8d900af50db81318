//! The one-line recordings of everything that is not an answer's own measurement, called
//! where each thing happens: a rate-limit refusal, a sign-in's outcome, a database write of an
//! answer's text, a Redis command, and the open-connection gauge (a guard held by each
//! connection). Each is a no-op until the recorder is installed (`[metrics]` configured).

use super::names;
use std::time::Duration;

/// Which rate limit refused, for the `limit` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitName {
    /// Answers per minute per user.
    Messages,
    /// Concurrent streams per user.
    Streams,
    /// `/api/` requests per minute per address.
    IpRequests,
    /// Page loads per minute.
    PageLoads,
    /// The sign-in back-off.
    SignIn,
    /// The sign-up back-off.
    SignUp,
    /// The password-change back-off.
    PasswordChange,
}

impl LimitName {
    /// The `limit` label.
    fn label(self) -> &'static str {
        match self {
            LimitName::Messages => "messages",
            LimitName::Streams => "streams",
            LimitName::IpRequests => "ip_requests",
            LimitName::PageLoads => "page_loads",
            LimitName::SignIn => "sign_in",
            LimitName::SignUp => "sign_up",
            LimitName::PasswordChange => "password_change",
        }
    }
}

/// Counts a refusal by `limit`.
pub fn rate_limit_refused(limit: LimitName) {
    metrics::counter!(names::RATE_LIMIT_REFUSALS, names::LIMIT => limit.label()).increment(1);
}

/// A sign-in's outcome, for the `outcome` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Signed in.
    Success,
    /// Unknown name or wrong password.
    WrongCredentials,
    /// Right password, but the account is pending or disabled.
    NotActive,
    /// Refused by the back-off (429).
    Throttled,
    /// A bad name, a busy server or a database error.
    Failed,
}

/// Counts a sign-in attempt by `outcome`.
pub fn sign_in(outcome: SignInOutcome) {
    let label = match outcome {
        SignInOutcome::Success => "success",
        SignInOutcome::WrongCredentials => "wrong_credentials",
        SignInOutcome::NotActive => "not_active",
        SignInOutcome::Throttled => "throttled",
        SignInOutcome::Failed => "failed",
    };
    metrics::counter!(names::SIGN_INS, names::OUTCOME => label).increment(1);
}

/// Records one write of an answer's text: `final_write` for the last one (status and
/// statistics), else a batch of `bytes`.
pub fn answer_write(took: Duration, final_write: bool, bytes: usize) {
    let write = if final_write { "final" } else { "batch" };
    metrics::histogram!(names::DB_FLUSH_SECONDS, names::WRITE => write).record(took.as_secs_f64());
    if !final_write {
        metrics::histogram!(names::DB_FLUSH_BATCH_BYTES).record(bytes as f64);
    }
}

/// Counts a Redis command by result (`ok`, `error`, `timeout`).
pub fn redis_operation(result: &'static str) {
    metrics::counter!(names::REDIS_OPERATIONS, names::RESULT => result).increment(1);
}

/// Counts a connection as open while it lives.
pub struct OpenConnection(());

impl OpenConnection {
    /// A connection opened.
    pub fn opened() -> Self {
        metrics::gauge!(names::OPEN_CONNECTIONS).increment(1.0);
        OpenConnection(())
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        metrics::gauge!(names::OPEN_CONNECTIONS).decrement(1.0);
    }
}
