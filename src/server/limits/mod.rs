//! The rate limits of the issue "abuse and hostile requests", in one place so every check is
//! one call: [`Limits::check_message`] before a turn starts (answers per minute and
//! concurrent streams per user), [`Limits::check_ip_request`] in front of every `/api/`
//! request (the `limit_ip_requests` middleware), [`Limits::begin_sign_in`] in the
//! sign-in server function (see `sign_in_throttle`), [`Limits::begin_sign_up`] and
//! [`Limits::begin_password_change`] likewise for sign-ups (per IP) and password changes (per
//! account), and [`Limits::check_page_load`] for every server-rendered page (the `page_loads`
//! middleware). Refusals are
//! [`AppError::TooManyRequests`]: HTTP 429, a `Retry-After` header and a sentence saying how
//! long to wait.

//!
//! Each limiter has its file: [`rate_limiter`] (the token bucket behind the per-minute limits),
//! [`stream_slots`], [`page_loads`], [`storage_quota`] (checked by the store's writers) and
//! [`answer_budget`] (how much one answer may still produce).

pub mod answer_budget;
pub mod page_loads;
pub mod rate_limiter;
pub mod storage_quota;
pub mod stream_slots;

use crate::server::auth::sign_in_throttle::{SignInAttempt, SignInThrottle};
use crate::server::config::LimitsConfig;
use crate::server::error::AppError;
use crate::server::limits::rate_limiter::{retry_after_secs, RateLimiter};
use crate::server::limits::stream_slots::{StreamSlot, StreamSlots};
use crate::store::UserId;
use std::net::IpAddr;
use std::sync::Arc;

/// What to announce in `Retry-After` when every stream slot is taken: a stream's end cannot
/// be predicted, so a short, polite pause.
const STREAM_SLOT_RETRY_SECS: u64 = 5;

/// The live limiters; cheap to clone (shared state).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Answers started per user per minute.
    messages: Arc<RateLimiter<UserId>>,
    /// `/api/` requests per IP (key: `rate_limiter::limit_key`) per minute.
    ip_requests: Arc<RateLimiter<IpAddr>>,
    /// Live streams per user.
    streams: StreamSlots,
    /// Failed sign-ins per account and IP.
    sign_in: SignInThrottle,
    /// Server-rendered page loads per IP (key: `rate_limiter::limit_key`) per minute.
    page_loads_by_ip: Arc<RateLimiter<IpAddr>>,
    /// Server-rendered page loads per signed-in user per minute (many addresses, one account).
    page_loads_by_user: Arc<RateLimiter<UserId>>,
    /// Sign-ups per IP (each costs a password hash and may create an account).
    sign_up: SignInThrottle,
    /// Wrong current passwords per account, against a stolen session guessing the password.
    password_change: SignInThrottle,
}

impl Limits {
    /// Limiters with the configured limits.
    pub fn new(config: &LimitsConfig) -> Self {
        Self {
            messages: Arc::new(RateLimiter::new(config.messages_per_minute)),
            ip_requests: Arc::new(RateLimiter::new(config.ip_requests_per_minute)),
            streams: StreamSlots::new(config.concurrent_streams),
            sign_in: SignInThrottle::new(config.sign_in_attempts),
            page_loads_by_ip: Arc::new(RateLimiter::new(config.page_loads_per_minute)),
            page_loads_by_user: Arc::new(RateLimiter::new(config.page_loads_per_minute)),
            sign_up: SignInThrottle::new(config.sign_up_attempts)
                .with_refusal("Too many sign-ups from your network address."),
            password_change: SignInThrottle::new(config.sign_in_attempts)
                .with_refusal("Too many wrong current passwords."),
        }
    }

    /// Admits a new answer for `user` (from `ip`, logged on refusal) or refuses it with a
    /// 429. The returned slot counts the stream as live until it is dropped: move it into the
    /// turn's driver. A refusal for a full slot costs no message from the per-minute budget.
    pub fn check_message(&self, user: UserId, ip: Option<IpAddr>) -> Result<StreamSlot, AppError> {
        let Some(slot) = self.streams.try_acquire(user) else {
            tracing::info!(user = user.0, ?ip, "refused: too many concurrent streams");
            let max = self.streams.max();
            let answers = if max == 1 { "answer" } else { "answers" };
            return Err(AppError::TooManyRequests {
                message: format!(
                    "You already have {max} {answers} streaming. Wait for one to finish (or \
                     stop it) and try again."
                ),
                retry_after_secs: STREAM_SLOT_RETRY_SECS,
            });
        };
        if let Err(wait) = self.messages.check(&user) {
            tracing::info!(user = user.0, ?ip, "refused: messages per minute");
            let secs = retry_after_secs(wait);
            return Err(AppError::TooManyRequests {
                message: format!(
                    "You are sending messages too quickly. Wait {secs} s and try again."
                ),
                retry_after_secs: secs,
            });
        }
        Ok(slot)
    }

    /// Counts one `/api/` request from `ip`, or refuses it with a 429.
    pub fn check_ip_request(&self, ip: IpAddr) -> Result<(), AppError> {
        self.ip_requests
            .check(&crate::server::limits::rate_limiter::limit_key(ip))
            .map_err(|wait| {
                tracing::info!(%ip, "refused: requests per minute from one address");
                let secs = retry_after_secs(wait);
                AppError::TooManyRequests {
                    message: format!(
                        "Too many requests from your network address. Wait {secs} s and try \
                         again."
                    ),
                    retry_after_secs: secs,
                }
            })
    }

    /// Starts a sign-in attempt as `account` from `ip`, or refuses it with a 429 while a
    /// back-off runs; see `sign_in_throttle` for how the sign-in server function uses it.
    pub fn begin_sign_in(
        &self,
        ip: Option<IpAddr>,
        account: &str,
    ) -> Result<SignInAttempt, AppError> {
        self.sign_in.begin(ip, account)
    }

    /// Counts one server-rendered page load from `ip` by `user` (each when known) against
    /// both their budgets, or refuses it with a 429.
    pub fn check_page_load(
        &self,
        ip: Option<IpAddr>,
        user: Option<UserId>,
    ) -> Result<(), AppError> {
        let by_ip = ip.map_or(Ok(()), |ip| {
            self.page_loads_by_ip
                .check(&crate::server::limits::rate_limiter::limit_key(ip))
        });
        let by_user = user.map_or(Ok(()), |user| self.page_loads_by_user.check(&user));
        by_ip.and(by_user).map_err(|wait| {
            tracing::info!(
                ?ip,
                user = user.map(|u| u.0),
                "refused: page loads per minute"
            );
            let secs = retry_after_secs(wait);
            AppError::TooManyRequests {
                message: format!("Too many page loads. Wait {secs} s, then reload the page."),
                retry_after_secs: secs,
            }
        })
    }

    /// Counts a sign-up from `ip` (every one counts, whatever its outcome, unless cancelled),
    /// or refuses it with a 429 while the IP's back-off runs.
    pub fn begin_sign_up(&self, ip: Option<IpAddr>) -> Result<SignInAttempt, AppError> {
        self.sign_up.begin_ip(ip)
    }

    /// Starts a check of `user`'s current password (counted as a failure unless it
    /// succeeds), or refuses it with a 429 while the account's back-off runs.
    pub fn begin_password_change(&self, user: UserId) -> Result<SignInAttempt, AppError> {
        self.password_change
            .begin(None, &format!("user #{}", user.0))
    }

    /// Streams `user` has live now.
    pub fn live_streams(&self, user: UserId) -> u32 {
        self.streams.live(user)
    }
}
