//! The names of every Redis key and channel the cluster uses, all under `[cluster]
//! key_prefix`, so several sites (or test runs) can share one Redis.
//!
//! | key | type | what |
//! |---|---|---|
//! | `{p}:turn:{turn}` | hash | a live turn: `user`, `answer` (if stored), `owner` (instance) |
//! | `{p}:turn:{turn}:events` | stream | the turn's events, batched ([`super::entry`]) |
//! | `{p}:answer:{answer}` | string | the live turn writing a stored answer |
//! | `{p}:instances` | set | replica processes that may own turns |
//! | `{p}:instance:{id}:alive` | string | the lease, expiring unless renewed |
//! | `{p}:instance:{id}:turns` | set | the turns the instance owns, for a takeover |
//! | `{p}:instance:{id}:reaper` | string | who is taking over a dead instance's turns |
//! | `{p}:instance:{id}:control` | channel | Stop and presence messages for the owner |

use std::sync::Arc;

/// Key names under one prefix; cheap to clone.
#[derive(Clone, Debug)]
pub struct Keys {
    /// `[cluster] key_prefix`.
    prefix: Arc<str>,
}

impl Keys {
    /// Names under `prefix`.
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: Arc::from(prefix),
        }
    }

    /// A live turn's directory entry.
    pub fn turn(&self, turn: &str) -> String {
        format!("{}:turn:{turn}", self.prefix)
    }

    /// A turn's event stream.
    pub fn events(&self, turn: &str) -> String {
        format!("{}:turn:{turn}:events", self.prefix)
    }

    /// The live turn of a stored answer.
    pub fn answer(&self, answer: &str) -> String {
        format!("{}:answer:{answer}", self.prefix)
    }

    /// Every instance that may own turns.
    pub fn instances(&self) -> String {
        format!("{}:instances", self.prefix)
    }

    /// An instance's lease.
    pub fn alive(&self, instance: &str) -> String {
        format!("{}:instance:{instance}:alive", self.prefix)
    }

    /// The turns an instance owns.
    pub fn owned(&self, instance: &str) -> String {
        format!("{}:instance:{instance}:turns", self.prefix)
    }

    /// The lock of whoever takes over a dead instance's turns.
    pub fn reaper(&self, instance: &str) -> String {
        format!("{}:instance:{instance}:reaper", self.prefix)
    }

    /// An instance's control channel.
    pub fn control(&self, instance: &str) -> String {
        format!("{}:instance:{instance}:control", self.prefix)
    }
}
