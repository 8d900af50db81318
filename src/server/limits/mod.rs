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
//! [`shared_bucket`] (the same bucket in Redis, shared by replicas, with `[cluster] redis_url`),
//! [`minute_limit`] (either of them), [`stream_slots`] (in Redis: [`shared_slots`]), [`page_loads`], [`storage_quota`] (checked by the store's writers) and
//! [`answer_budget`] (how much one answer may still produce). Every 429 is counted in the
//! metrics by its limit (`sluice_rate_limit_refusals_total`).

pub mod answer_budget;
pub mod minute_limit;
pub mod page_loads;
pub mod rate_limiter;
pub mod shared_bucket;
pub mod shared_slots;
pub mod storage_quota;
pub mod stream_slots;

use crate::server::auth::sign_in_throttle::{SignInAttempt, SignInThrottle};
use crate::server::config::{ClusterConfig, LimitsConfig};
use crate::server::error::AppError;
use crate::server::limits::minute_limit::MinuteLimit;
use crate::server::limits::rate_limiter::retry_after_secs;
use crate::server::limits::shared_bucket::{SharedLimits, Unreachable};
use crate::server::limits::shared_slots::SharedSlots;
use crate::server::limits::stream_slots::{StreamSlot, StreamSlots};
use crate::server::metrics::record::{self, LimitName};
use crate::store::UserId;
use std::net::IpAddr;
use std::sync::Arc;

/// What to announce in `Retry-After` when every stream slot is taken: a stream's end cannot
/// be predicted, so a short, polite pause.
const STREAM_SLOT_RETRY_SECS: u64 = 5;

/// The refusal of a new answer while the shared limits (Redis) cannot be checked.
pub const SHARED_LIMITS_AWAY: &str = "New answers are paused: the server that keeps this site's \
     shared limits is unreachable. Try again in a minute.";

/// The live limiters; cheap to clone (shared state).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Answers started per user per minute.
    messages: Arc<MinuteLimit<UserId>>,
    /// `/api/` requests per IP (key: `rate_limiter::limit_key`) per minute.
    ip_requests: Arc<MinuteLimit<IpAddr>>,
    /// Live streams per user.
    streams: StreamSlots,
    /// Failed sign-ins per account and IP.
    sign_in: SignInThrottle,
    /// Server-rendered page loads per IP (key: `rate_limiter::limit_key`) per minute.
    page_loads_by_ip: Arc<MinuteLimit<IpAddr>>,
    /// Server-rendered page loads per signed-in user per minute (many addresses, one account).
    page_loads_by_user: Arc<MinuteLimit<UserId>>,
    /// Sign-ups per IP (each costs a password hash and may create an account).
    sign_up: SignInThrottle,
    /// Wrong current passwords per account, against a stolen session guessing the password.
    password_change: SignInThrottle,
}

impl Limits {
    /// Limiters with the configured limits; in Redis when `cluster` names one (then this
    /// needs a Tokio runtime), else in this process.
    pub fn new(config: &LimitsConfig, cluster: &ClusterConfig) -> Self {
        let shared = cluster
            .redis_url
            .as_deref()
            .map(|url| SharedLimits::new(url, &cluster.key_prefix));
        let shared = shared.as_ref();
        Self {
            messages: Arc::new(MinuteLimit::new(
                config.messages_per_minute,
                shared,
                "messages",
            )),
            ip_requests: Arc::new(MinuteLimit::new(
                config.ip_requests_per_minute,
                shared,
                "ip_requests",
            )),
            streams: StreamSlots::new(config.concurrent_streams)
                .in_redis(shared.map(SharedSlots::new)),
            sign_in: SignInThrottle::new(config.sign_in_attempts).in_redis(shared, "sign_in"),
            page_loads_by_ip: Arc::new(MinuteLimit::new(
                config.page_loads_per_minute,
                shared,
                "page_loads_ip",
            )),
            page_loads_by_user: Arc::new(MinuteLimit::new(
                config.page_loads_per_minute,
                shared,
                "page_loads_user",
            )),
            sign_up: SignInThrottle::new(config.sign_up_attempts)
                .with_refusal("Too many sign-ups from your network address.")
                .in_redis(shared, "sign_up"),
            password_change: SignInThrottle::new(config.sign_in_attempts)
                .with_refusal("Too many wrong current passwords.")
                .in_redis(shared, "password_change"),
        }
    }

    /// Admits a new answer for `user` (from `ip`, logged on refusal) or refuses it with a
    /// 429. The returned slot counts the stream as live until it is dropped: move it into the
    /// turn's driver. A refusal for a full slot costs no message from the per-minute budget.
    ///
    /// With the budget or the slots in Redis and Redis away, the answer is refused (503 and a
    /// sentence): an answer is the expensive thing the limits protect (upstream tokens,
    /// money), so admitting them unchecked on every replica would let one user spend N times
    /// the limit; a refused answer costs a retry. Answers already streaming are not affected.
    pub async fn check_message(
        &self,
        user: UserId,
        ip: Option<IpAddr>,
    ) -> Result<StreamSlot, AppError> {
        let Ok(slot) = self.streams.try_acquire(user).await else {
            return Err(AppError::Unavailable(SHARED_LIMITS_AWAY.to_string()));
        };
        let Some(slot) = slot else {
            tracing::info!(user = user.0, ?ip, "refused: too many concurrent streams");
            record::rate_limit_refused(LimitName::Streams);
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
        let Ok(verdict) = self.messages.check(&user).await else {
            return Err(AppError::Unavailable(SHARED_LIMITS_AWAY.to_string()));
        };
        if let Err(wait) = verdict {
            tracing::info!(user = user.0, ?ip, "refused: messages per minute");
            record::rate_limit_refused(LimitName::Messages);
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
    ///
    /// With the budget in Redis and Redis away, the request passes (fail open, a warning a
    /// minute in the log): refusing every request would take the whole site down with
    /// Redis, while what costs money — starting an answer — is still refused by
    /// [`Limits::check_message`].
    pub async fn check_ip_request(&self, ip: IpAddr) -> Result<(), AppError> {
        self.ip_requests
            .check(&crate::server::limits::rate_limiter::limit_key(ip))
            .await
            .unwrap_or(Ok(()))
            .map_err(|wait| {
                tracing::info!(%ip, "refused: requests per minute from one address");
                record::rate_limit_refused(LimitName::IpRequests);
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
    /// back-off runs; see `sign_in_throttle` for how the sign-in server function uses it
    /// (and what happens while Redis is away: this process counts alone).
    pub async fn begin_sign_in(
        &self,
        ip: Option<IpAddr>,
        account: &str,
    ) -> Result<SignInAttempt, AppError> {
        counted(LimitName::SignIn, self.sign_in.begin(ip, account).await)
    }

    /// Counts one server-rendered page load from `ip` by `user` (each when known) against
    /// both their budgets, or refuses it with a 429. Like `/api/` requests, page loads pass
    /// when the budgets are in Redis and Redis is away (see [`Limits::check_ip_request`]).
    pub async fn check_page_load(
        &self,
        ip: Option<IpAddr>,
        user: Option<UserId>,
    ) -> Result<(), AppError> {
        let by_ip = match ip {
            Some(ip) => self
                .page_loads_by_ip
                .check(&crate::server::limits::rate_limiter::limit_key(ip))
                .await
                .unwrap_or(Ok(())),
            None => Ok(()),
        };
        let by_user = match user {
            Some(user) => self.page_loads_by_user.check(&user).await.unwrap_or(Ok(())),
            None => Ok(()),
        };
        by_ip.and(by_user).map_err(|wait| {
            tracing::info!(
                ?ip,
                user = user.map(|u| u.0),
                "refused: page loads per minute"
            );
            record::rate_limit_refused(LimitName::PageLoads);
            let secs = retry_after_secs(wait);
            AppError::TooManyRequests {
                message: format!("Too many page loads. Wait {secs} s, then reload the page."),
                retry_after_secs: secs,
            }
        })
    }

    /// Counts a sign-up from `ip` (every one counts, whatever its outcome, unless cancelled),
    /// or refuses it with a 429 while the IP's back-off runs.
    pub async fn begin_sign_up(&self, ip: Option<IpAddr>) -> Result<SignInAttempt, AppError> {
        counted(LimitName::SignUp, self.sign_up.begin_ip(ip).await)
    }

    /// Starts a check of `user`'s current password (counted as a failure unless it
    /// succeeds), or refuses it with a 429 while the account's back-off runs.
    pub async fn begin_password_change(&self, user: UserId) -> Result<SignInAttempt, AppError> {
        counted(
            LimitName::PasswordChange,
            self.password_change
                .begin(None, &format!("user #{}", user.0))
                .await,
        )
    }

    /// Streams `user` has live now (on every replica with the slots in Redis; `Err` when it
    /// did not answer).
    pub async fn live_streams(&self, user: UserId) -> Result<u32, Unreachable> {
        self.streams.live(user).await
    }
}

/// Counts `verdict` as a refusal by `limit` in the metrics when it is a 429.
fn counted<T>(limit: LimitName, verdict: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(AppError::TooManyRequests { .. }) = &verdict {
        record::rate_limit_refused(limit);
    }
    verdict
}
