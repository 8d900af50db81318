//! This process's lease and the watch over the others'. Every quarter lease the instance
//! renews `{p}:instance:{id}:alive` (expiring after one lease) and looks at the other
//! instances: one whose lease ran out died (kill -9, a lost machine, a lost network), and the
//! first replica to take its reaper lock stores its live answers as `interrupted`
//! ([`super::takeover`]). So a dead owner's answers are closed within about 1.25 leases
//! (`[cluster] lease_ms`, default 10 s: within 12.5 s), plus the takeover itself.
//!
//! The same round removes directory entries of this instance's own turns that are no longer
//! live here (their last batch could not reach Redis), so no reader waits on them.

use super::directory::{add_removal, TurnRecord};
use super::relay::STREAM_LINGER_SECS;
use super::{takeover, Cluster, Unreachable};
use std::time::Duration;

/// How long the reaper lock of a dead instance is held: a replica that dies while taking
/// over leaves the rest to another after this.
const REAPER_LOCK: Duration = Duration::from_secs(60);

/// Renews the lease and watches the other instances until the cluster is left.
pub async fn run(cluster: Cluster) {
    let stopped = cluster.inner.stopped.clone();
    let round = cluster.inner.lease / 4;
    loop {
        if renew(&cluster).await.is_ok() {
            let _ = reap_dead(&cluster).await;
            let _ = clean_own(&cluster).await;
        }
        tokio::select! {
            () = tokio::time::sleep(round) => {}
            () = stopped.cancelled() => return,
        }
    }
}

/// Renews this instance's lease and membership.
async fn renew(cluster: &Cluster) -> Result<(), Unreachable> {
    let keys = cluster.keys();
    let me = cluster.instance();
    let mut pipeline = redis::pipe();
    pipeline
        .cmd("SET")
        .arg(keys.alive(me))
        .arg(1)
        .arg("PX")
        .arg(cluster.inner.lease.as_millis() as u64)
        .ignore()
        .cmd("SADD")
        .arg(keys.instances())
        .arg(me)
        .ignore();
    cluster.run_pipeline("renewing the lease", &pipeline).await
}

/// Takes over the turns of every instance whose lease ran out (if no other replica does).
async fn reap_dead(cluster: &Cluster) -> Result<(), Unreachable> {
    let keys = cluster.keys();
    let instances: Vec<String> = cluster
        .run(
            "watching replicas",
            redis::cmd("SMEMBERS").arg(keys.instances()),
        )
        .await?;
    let others: Vec<String> = instances
        .into_iter()
        .filter(|id| id != cluster.instance())
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    let mut pipeline = redis::pipe();
    for other in &others {
        pipeline.cmd("EXISTS").arg(keys.alive(other));
    }
    let alive: Vec<bool> = cluster.run_pipeline("watching replicas", &pipeline).await?;
    for (other, alive) in others.iter().zip(alive) {
        if alive {
            continue;
        }
        let locked: Option<String> = cluster
            .run(
                "taking over a replica",
                redis::cmd("SET")
                    .arg(keys.reaper(other))
                    .arg(cluster.instance())
                    .arg("NX")
                    .arg("PX")
                    .arg(REAPER_LOCK.as_millis() as u64),
            )
            .await?;
        if locked.is_some() {
            takeover::reap_instance(cluster, other).await;
        }
    }
    Ok(())
}

/// Removes directory entries of this instance's turns that are no longer live here.
async fn clean_own(cluster: &Cluster) -> Result<(), Unreachable> {
    let keys = cluster.keys();
    let owned: Vec<String> = cluster
        .run(
            "checking own turns",
            redis::cmd("SMEMBERS").arg(keys.owned(cluster.instance())),
        )
        .await?;
    for turn in owned {
        if cluster.inner.registry.contains(&turn.as_str().into()) {
            continue;
        }
        let record = cluster.lookup(&turn.as_str().into()).await?;
        let record = record.unwrap_or_else(|| TurnRecord {
            user: crate::store::UserId(0),
            answer: None,
            owner: cluster.instance().to_string(),
        });
        let mut pipeline = redis::pipe();
        add_removal(&mut pipeline, cluster, &turn, &record, STREAM_LINGER_SECS);
        cluster
            .run_pipeline::<()>("checking own turns", &pipeline)
            .await?;
        tracing::info!(%turn, "removed a finished turn Redis still listed");
    }
    Ok(())
}

/// Gives the lease up at shutdown (every live turn has ended): no replica mistakes this one
/// for dead.
pub async fn give_up_lease(cluster: &Cluster) {
    let keys = cluster.keys();
    let me = cluster.instance();
    let mut pipeline = redis::pipe();
    pipeline
        .cmd("DEL")
        .arg(keys.alive(me))
        .ignore()
        .cmd("SREM")
        .arg(keys.instances())
        .arg(me)
        .ignore();
    let _ = cluster
        .run_pipeline::<()>("leaving the cluster", &pipeline)
        .await;
}
