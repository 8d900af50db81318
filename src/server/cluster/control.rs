//! Each instance's control channel (Redis pub/sub, `{p}:instance:{id}:control`): how a
//! replica that does not own a turn reaches its owner. Two messages, one line of
//! tab-separated words each:
//!
//! - `stop <user> <turn>`: Stop pressed in a tab whose request reached another replica; the
//!   owner cancels the turn, which drops the upstream request at once, and the `done: stopped`
//!   reaches every reader through the stream.
//! - `presence <user> <turn>`: readers follow the turn on the sender (sent every
//!   `follower::PRESENCE_EVERY`); the owner counts them as attached for [`PRESENCE_TTL`], so the
//!   grace period only runs once no replica has a reader.
//!
//! The user is checked by the owner too: a message can only touch that user's turn.

use super::{Cluster, Unreachable, COMMAND_TIMEOUT};
use crate::ids::TurnId;
use crate::store::UserId;
use futures::StreamExt;
use std::time::Duration;

/// How long one presence message counts: three messages, so one lost message changes nothing.
pub const PRESENCE_TTL: Duration = Duration::from_secs(6);

/// How often Stop is sent again while no owner listens (its subscription reconnecting).
const STOP_RETRY: Duration = Duration::from_millis(100);

/// How many times Stop is sent before the owner is left to its lease.
const STOP_ATTEMPTS: u32 = 10;

/// A message for a turn's owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Stop the turn.
    Stop {
        /// Whose turn.
        user: UserId,
        /// Which turn.
        turn: TurnId,
    },
    /// Readers on the sender follow the turn.
    Presence {
        /// Whose turn.
        user: UserId,
        /// Which turn.
        turn: TurnId,
    },
}

impl Message {
    /// The message as sent.
    pub fn encode(&self) -> String {
        match self {
            Message::Stop { user, turn } => format!("stop\t{}\t{turn}", user.0),
            Message::Presence { user, turn } => format!("presence\t{}\t{turn}", user.0),
        }
    }

    /// A received message; `None` for anything else.
    pub fn decode(text: &str) -> Option<Message> {
        let mut words = text.split('\t');
        let (kind, user, turn) = (words.next()?, words.next()?, words.next()?);
        if words.next().is_some() || turn.is_empty() {
            return None;
        }
        let user = UserId(user.parse().ok()?);
        let turn = TurnId::from(turn);
        match kind {
            "stop" => Some(Message::Stop { user, turn }),
            "presence" => Some(Message::Presence { user, turn }),
            _ => None,
        }
    }
}

/// Sends `message` to instance `owner`; how many subscribers received it.
pub async fn send(cluster: &Cluster, owner: &str, message: &Message) -> Result<u64, Unreachable> {
    cluster
        .run(
            "messaging a replica",
            redis::cmd("PUBLISH")
                .arg(cluster.keys().control(owner))
                .arg(message.encode()),
        )
        .await
}

impl Cluster {
    /// Stops `user`'s turn `turn` live on another replica: true when it is live there (the
    /// owner got the message, or will be taken over if it is dead), false when no such turn of
    /// theirs is live anywhere.
    pub async fn stop(&self, turn: &TurnId, user: UserId) -> Result<bool, Unreachable> {
        let Some(record) = self.lookup(turn).await? else {
            return Ok(false);
        };
        if record.user != user || record.owner == self.instance() {
            return Ok(false);
        }
        let message = Message::Stop {
            user,
            turn: turn.clone(),
        };
        for _ in 0..STOP_ATTEMPTS {
            if send(self, &record.owner, &message).await? > 0 {
                return Ok(true);
            }
            tokio::time::sleep(STOP_RETRY).await;
        }
        tracing::warn!(%turn, owner = %record.owner, "no replica listens for Stop; its lease decides");
        Ok(true)
    }
}

/// Listens on this instance's control channel until the cluster is left, reconnecting after
/// a lost connection.
pub async fn listen(cluster: Cluster) {
    let stopped = cluster.inner.stopped.clone();
    let channel = cluster.keys().control(cluster.instance());
    while !stopped.is_cancelled() {
        let subscribed = tokio::time::timeout(COMMAND_TIMEOUT * 2, async {
            let mut pubsub = cluster.inner.client.get_async_pubsub().await?;
            pubsub.subscribe(&channel).await?;
            Ok::<_, redis::RedisError>(pubsub)
        })
        .await;
        match subscribed {
            Ok(Ok(pubsub)) => {
                let mut messages = pubsub.into_on_message();
                loop {
                    tokio::select! {
                        message = messages.next() => match message {
                            Some(message) => {
                                if let Ok(text) = message.get_payload::<String>() {
                                    handle(&cluster, &text);
                                }
                            }
                            None => break,
                        },
                        () = stopped.cancelled() => return,
                    }
                }
                cluster.warn_unreachable("listening for Stop", "the subscription was lost");
            }
            Ok(Err(error)) => {
                cluster.warn_unreachable("listening for Stop", &format!("{:?}", error.kind()))
            }
            Err(_) => cluster.warn_unreachable("listening for Stop", "no answer in time"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(250)) => {}
            () = stopped.cancelled() => return,
        }
    }
}

/// Acts on one message from another replica.
fn handle(cluster: &Cluster, text: &str) {
    let registry = &cluster.inner.registry;
    match Message::decode(text) {
        Some(Message::Stop { user, turn }) => {
            if registry.cancel(&turn, user) {
                tracing::info!(%turn, "stopped from another replica");
            }
        }
        Some(Message::Presence { user, turn }) => {
            if let Some(live) = registry.find(&turn, user) {
                live.touch_remote_readers(PRESENCE_TTL);
            }
        }
        None => tracing::debug!("ignored a control message that is not ours"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_anything_else_is_ignored() {
        for message in [
            Message::Stop {
                user: UserId(3),
                turn: "a.b".into(),
            },
            Message::Presence {
                user: UserId(1),
                turn: "t".into(),
            },
        ] {
            assert_eq!(Message::decode(&message.encode()), Some(message));
        }
        for bad in [
            "",
            "stop",
            "stop\t1",
            "stop\tx\tt",
            "kill\t1\tt",
            "stop\t1\tt\textra",
            "stop\t1\t",
        ] {
            assert_eq!(Message::decode(bad), None, "{bad:?}");
        }
    }
}
