//! Live answers shared by replicas through Redis (`[cluster] redis_url`; without it this module
//! is not used and everything stays in the process). Every guarantee of one server holds on N
//! replicas behind a balancer without affinity:
//!
//! - The replica whose request started a turn (its *owner*) drives the upstream request as on
//!   one server; its [`relay`] appends the turn's events, batched, to a Redis Stream per turn,
//!   and only then to the local log, so no reader anywhere sees what Redis does not hold.
//! - A reader on another replica (a reload, a second tab) finds the turn in the [`directory`]
//!   and follows a local copy fed from the stream ([`follower`]): exact resume after any
//!   sequence number, as on one server.
//! - Stop on any replica reaches the owner over its [`control`] channel (Redis pub/sub); the
//!   readers' presence on other replicas reaches it the same way, so the grace period counts
//!   them.
//! - Each replica process holds a lease ([`instance`]); when one dies, another notices within
//!   about 1.25 leases and stores its live answers as `interrupted` with the text the streams
//!   hold ([`takeover`]), which also ends every reader's stream.
//!
//! Keys are named in [`keys`]; the stream entry format is [`entry`].

pub mod control;
pub mod directory;
pub mod entry;
pub mod follower;
pub mod instance;
pub mod keys;
pub mod relay;
pub mod takeover;

use crate::server::config::ClusterConfig;
use crate::server::redis_link::RedisLink;
use crate::server::turn::registry::TurnRegistry;
use crate::store::Store;
use keys::Keys;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The longest one command may wait for Redis before it counts as away.
pub const COMMAND_TIMEOUT: Duration = Duration::from_millis(1000);

/// This process's membership of the cluster; cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    /// Everything, shared by the background tasks and every request.
    inner: Arc<Inner>,
}

/// The shared part of a [`Cluster`].
struct Inner {
    /// Commands (multiplexed, reconnecting on its own, with a timeout and a rate-limited
    /// warning); never used for blocking reads.
    link: RedisLink,
    /// Opens the dedicated connections: pub/sub and the followers' blocking reads.
    client: redis::Client,
    /// Key names under `[cluster] key_prefix`.
    keys: Keys,
    /// This process's id in the cluster: the replica id and a random suffix, so two processes
    /// with one replica id (a restart, two replicas on one host) never share a lease.
    instance: String,
    /// How long this process's lease lasts unrenewed.
    lease: Duration,
    /// This process's live turns, for Stop and presence messages from other replicas.
    registry: TurnRegistry,
    /// Where a dead replica's answers are stored.
    store: Store,
    /// Copies of other replicas' turns that readers here follow.
    followers: follower::Followers,
    /// Fires when this process leaves the cluster (shutdown): background tasks end.
    stopped: CancellationToken,
}

pub use crate::server::redis_link::Unreachable;

impl Cluster {
    /// Joins the cluster of `config` as replica `replica_id` and starts the background tasks
    /// (lease, control channel, followers). Connects lazily: a Redis that is away at start-up
    /// delays nothing. Needs a Tokio runtime.
    pub fn start(
        config: &ClusterConfig,
        redis_url: &str,
        replica_id: &str,
        registry: TurnRegistry,
        store: Store,
    ) -> Result<Cluster, String> {
        let client = redis::Client::open(redis_url)
            .map_err(|e| format!("the Redis client could not be created: {:?}", e.kind()))?;
        let link = RedisLink::new(
            client.clone(),
            COMMAND_TIMEOUT,
            "live answers are not shared with other replicas",
        );
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let cluster = Cluster {
            inner: Arc::new(Inner {
                link,
                client,
                keys: Keys::new(&config.key_prefix),
                instance: format!("{replica_id}-{}", &suffix[..8]),
                lease: config.lease,
                registry,
                store,
                followers: follower::Followers::default(),
                stopped: CancellationToken::new(),
            }),
        };
        tokio::spawn(instance::run(cluster.clone()));
        tokio::spawn(control::listen(cluster.clone()));
        tokio::spawn(follower::read_loop(cluster.clone()));
        tracing::info!(instance = %cluster.inner.instance, "joined the cluster");
        Ok(cluster)
    }

    /// This process's id in the cluster.
    pub fn instance(&self) -> &str {
        &self.inner.instance
    }

    /// The key names.
    pub fn keys(&self) -> &Keys {
        &self.inner.keys
    }

    /// Runs `command` on the shared connection within [`COMMAND_TIMEOUT`]; failures are
    /// logged once a minute with `what` it was for.
    pub async fn run<T: redis::FromRedisValue>(
        &self,
        what: &str,
        command: &redis::Cmd,
    ) -> Result<T, Unreachable> {
        self.inner.link.run(what, command).await
    }

    /// Runs `pipeline` (atomic when built with `.atomic()`) like [`Self::run`].
    pub async fn run_pipeline<T: redis::FromRedisValue>(
        &self,
        what: &str,
        pipeline: &redis::Pipeline,
    ) -> Result<T, Unreachable> {
        self.inner.link.run_pipeline(what, pipeline).await
    }

    /// Logs that Redis is away (what for and why), at most once a minute.
    pub fn warn_unreachable(&self, what: &str, reason: &str) {
        self.inner.link.warn_unreachable(what, reason);
    }

    /// Leaves the cluster at shutdown, after every live turn ended: background tasks end and
    /// the lease is given up, so no replica mistakes this one for dead.
    pub async fn leave(&self) {
        self.inner.stopped.cancel();
        self.inner.followers.detach_all();
        instance::give_up_lease(self).await;
    }
}
