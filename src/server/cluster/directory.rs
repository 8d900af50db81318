//! Where a live turn lives: its directory entry (`{p}:turn:{turn}`: the user, the stored
//! answer, the owning instance) and the answer's pointer to it (`{p}:answer:{answer}`), written
//! by the owner's relay when the turn starts and removed when it ends, so any replica can find
//! a turn named by its id or by the answer it writes.

use super::{Cluster, Unreachable};
use crate::ids::{MessageId, TurnId};
use crate::store::UserId;
use std::collections::HashMap;

/// A live turn as the directory knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnRecord {
    /// Whose turn it is: only they may read or stop it.
    pub user: UserId,
    /// The stored answer it writes (none for a temporary chat).
    pub answer: Option<MessageId>,
    /// The instance driving it.
    pub owner: String,
}

impl TurnRecord {
    /// The hash fields of the record.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("user", self.user.0.to_string()),
            ("owner", self.owner.clone()),
        ];
        if let Some(answer) = &self.answer {
            fields.push(("answer", answer.to_string()));
        }
        fields
    }

    /// The record from its hash fields; `None` when absent or damaged.
    fn from_fields(fields: &HashMap<String, String>) -> Option<Self> {
        Some(Self {
            user: UserId(fields.get("user")?.parse().ok()?),
            answer: fields.get("answer").map(|a| MessageId::from(a.clone())),
            owner: fields.get("owner")?.clone(),
        })
    }
}

impl Cluster {
    /// The directory entry of `turn`, if it is live somewhere.
    pub async fn lookup(&self, turn: &TurnId) -> Result<Option<TurnRecord>, Unreachable> {
        let fields: HashMap<String, String> = self
            .run(
                "directory lookup",
                redis::cmd("HGETALL").arg(self.keys().turn(turn)),
            )
            .await?;
        Ok(TurnRecord::from_fields(&fields))
    }

    /// The live turn writing `answer`, if any.
    pub async fn turn_of_answer(&self, answer: &MessageId) -> Result<Option<TurnId>, Unreachable> {
        let turn: Option<String> = self
            .run(
                "answer lookup",
                redis::cmd("GET").arg(self.keys().answer(answer)),
            )
            .await?;
        Ok(turn.map(TurnId::from))
    }
}

/// Adds to `pipeline` the commands that remove turn `turn` (of `record`) from the directory
/// and keep its stream `linger_secs` more for readers that are still catching up.
pub fn add_removal(
    pipeline: &mut redis::Pipeline,
    cluster: &Cluster,
    turn: &str,
    record: &TurnRecord,
    linger_secs: u64,
) {
    let keys = cluster.keys();
    pipeline
        .cmd("EXPIRE")
        .arg(keys.events(turn))
        .arg(linger_secs)
        .ignore();
    pipeline.cmd("DEL").arg(keys.turn(turn)).ignore();
    if let Some(answer) = &record.answer {
        pipeline.cmd("DEL").arg(keys.answer(answer)).ignore();
    }
    pipeline
        .cmd("SREM")
        .arg(keys.owned(&record.owner))
        .arg(turn)
        .ignore();
}

/// Adds to `pipeline` the commands that register turn `turn` of `record`. The owner's set
/// comes first and leaves last ([`add_removal`]): a pipeline cut short leaves the turn in it,
/// where the owner's lease round (or a takeover) finds it and removes the rest.
pub fn add_registration(
    pipeline: &mut redis::Pipeline,
    cluster: &Cluster,
    turn: &str,
    record: &TurnRecord,
) {
    let keys = cluster.keys();
    pipeline
        .cmd("SADD")
        .arg(keys.owned(&record.owner))
        .arg(turn)
        .ignore();
    pipeline
        .cmd("HSET")
        .arg(keys.turn(turn))
        .arg(record.fields())
        .ignore();
    if let Some(answer) = &record.answer {
        pipeline
            .cmd("SET")
            .arg(keys.answer(answer))
            .arg(turn)
            .ignore();
    }
}
