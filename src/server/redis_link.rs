//! One connection to the Redis replicas share (`[cluster] redis_url`), as the shared limits
//! (`limits::shared_bucket`) and the live answers (`cluster`) use it: a multiplexed connection
//! that reconnects on its own, a bound on how long any command may wait, and, when Redis does
//! not answer, [`Unreachable`] for the caller to decide and one warning a minute in the log
//! (not one per request).

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Time between two warnings about an unreachable Redis.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Redis did not answer (down, unreachable, too slow, or refused a command or script).
#[derive(Debug)]
pub struct Unreachable;

/// A connection to Redis with a timeout and a rate-limited warning; cheap to clone.
#[derive(Clone)]
pub struct RedisLink {
    /// The multiplexed connection; `Err` (with the reason) when the client could not even be
    /// created, so every command fails as if Redis were away rather than silently doing nothing.
    connection: Result<ConnectionManager, String>,
    /// The longest a command (connecting included) may wait before it counts as away: a
    /// request must not hang on a lost Redis.
    timeout: Duration,
    /// What a lost Redis costs this user of the link, said in the warning.
    consequence: &'static str,
    /// When an unreachable Redis was last logged, so an outage logs once a minute.
    last_warning: Arc<Mutex<Option<Instant>>>,
}

/// Shows nothing of the connection: it holds the URL, which may hold a password.
impl std::fmt::Debug for RedisLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLink")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisLink {
    /// Prepares a connection through `client` without connecting (the first command
    /// connects), so a Redis that is away at start-up delays nothing. Needs a Tokio runtime.
    pub fn new(client: redis::Client, timeout: Duration, consequence: &'static str) -> Self {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| format!("the Redis client could not be created: {:?}", e.kind()));
        Self::with_connection(connection, timeout, consequence)
    }

    /// [`Self::new`] from a URL; an unusable one makes every command fail (warned).
    pub fn open(url: &str, timeout: Duration, consequence: &'static str) -> Self {
        match redis::Client::open(url) {
            Ok(client) => Self::new(client, timeout, consequence),
            Err(e) => Self::with_connection(
                Err(format!(
                    "the Redis client could not be created: {:?}",
                    e.kind()
                )),
                timeout,
                consequence,
            ),
        }
    }

    /// A link over `connection`.
    fn with_connection(
        connection: Result<ConnectionManager, String>,
        timeout: Duration,
        consequence: &'static str,
    ) -> Self {
        Self {
            connection,
            timeout,
            consequence,
            last_warning: Arc::new(Mutex::new(None)),
        }
    }

    /// Runs `command` (for `what`, named in the warning).
    pub async fn run<T: redis::FromRedisValue>(
        &self,
        what: &str,
        command: &redis::Cmd,
    ) -> Result<T, Unreachable> {
        let mut connection = self.connection(what)?;
        let answer = tokio::time::timeout(self.timeout, command.query_async(&mut connection)).await;
        self.judge(what, answer)
    }

    /// Runs `pipeline` (atomic when built with `.atomic()`), like [`Self::run`].
    pub async fn run_pipeline<T: redis::FromRedisValue>(
        &self,
        what: &str,
        pipeline: &redis::Pipeline,
    ) -> Result<T, Unreachable> {
        let mut connection = self.connection(what)?;
        let answer =
            tokio::time::timeout(self.timeout, pipeline.query_async(&mut connection)).await;
        self.judge(what, answer)
    }

    /// Runs a prepared script, like [`Self::run`].
    pub async fn invoke<T: redis::FromRedisValue>(
        &self,
        what: &str,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, Unreachable> {
        let mut connection = self.connection(what)?;
        let answer =
            tokio::time::timeout(self.timeout, invocation.invoke_async(&mut connection)).await;
        self.judge(what, answer)
    }

    /// The connection, or [`Unreachable`] (warned) when the client could not be created.
    fn connection(&self, what: &str) -> Result<ConnectionManager, Unreachable> {
        self.connection.clone().map_err(|reason| {
            self.warn_unreachable(what, &reason);
            Unreachable
        })
    }

    /// Redis's answer, or [`Unreachable`] (warned) for an error or no answer in time.
    fn judge<T>(
        &self,
        what: &str,
        answer: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>,
    ) -> Result<T, Unreachable> {
        crate::server::metrics::record::redis_operation(match &answer {
            Ok(Ok(_)) => "ok",
            Ok(Err(_)) => "error",
            Err(_) => "timeout",
        });
        match answer {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                self.warn_unreachable(what, &format!("{:?}", error.kind()));
                Err(Unreachable)
            }
            Err(_) => {
                self.warn_unreachable(what, "no answer in time");
                Err(Unreachable)
            }
        }
    }

    /// Logs that Redis is away (what for and why), at most once per [`WARN_EVERY`].
    pub fn warn_unreachable(&self, what: &str, reason: &str) {
        let now = Instant::now();
        let mut last = self.last_warning.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|at| now.saturating_duration_since(at) >= WARN_EVERY) {
            *last = Some(now);
            tracing::warn!(
                what,
                reason,
                "Redis is unreachable: {} (logged once a minute)",
                self.consequence
            );
        }
    }
}
