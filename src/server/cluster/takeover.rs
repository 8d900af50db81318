//! Taking over a dead instance's live answers: for each turn it owned, the events its stream
//! holds — everything any reader saw, since the relay publishes nothing locally before Redis
//! has it — are replayed; a stored answer is written as `interrupted` with that text (after
//! the text it had before the turn, for a Continue); then the terminal `done: interrupted` is
//! appended to the stream, which ends every follower's readers, and the turn leaves the
//! directory. No answer stays `streaming` forever.
//!
//! A database that is unavailable leaves the turn for the next round (the reaper lock
//! expires); an answer already finished or deleted is only removed from the directory.

use super::directory::{add_removal, TurnRecord};
use super::entry::{self, RawEntries};
use super::relay::STREAM_LINGER_SECS;
use super::{Cluster, Unreachable};
use crate::events::{ChatEvent, DoneStats, FinishReason};
use crate::server::turn::log::TurnLog;
use crate::store::{AnswerEnd, AnswerStats, AnswerWriter};
use futures::StreamExt;

/// How many answers of a dead replica are taken over at once.
const TAKEOVERS_AT_ONCE: usize = 16;

/// Stores every live turn of dead instance `instance`; forgets the instance once none is left.
pub async fn reap_instance(cluster: &Cluster, instance: &str) {
    let keys = cluster.keys();
    let Ok(turns) = cluster
        .run::<Vec<String>>(
            "taking over a replica",
            redis::cmd("SMEMBERS").arg(keys.owned(instance)),
        )
        .await
    else {
        return;
    };
    // Several at a time: each takes a few round trips to Redis and one database write, and a
    // dead replica may have had a thousand answers live.
    let left = futures::stream::iter(turns.iter().cloned())
        .map(|turn| {
            let cluster = cluster.clone();
            let instance = instance.to_string();
            async move {
                let reaped = reap_turn(&cluster, &instance, &turn).await;
                if let Err(reason) = &reaped {
                    tracing::warn!(%turn, %instance, reason, "a dead replica's answer is left for the next round");
                }
                reaped.is_err()
            }
        })
        .buffer_unordered(TAKEOVERS_AT_ONCE)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    if left == 0 {
        let mut pipeline = redis::pipe();
        pipeline
            .cmd("DEL")
            .arg(keys.owned(instance))
            .ignore()
            .cmd("SREM")
            .arg(keys.instances())
            .arg(instance)
            .ignore()
            .cmd("DEL")
            .arg(keys.reaper(instance))
            .ignore();
        let _ = cluster
            .run_pipeline::<()>("taking over a replica", &pipeline)
            .await;
        tracing::info!(%instance, answers = turns.len(), "took over a replica that died");
    }
}

/// Ends one turn of a dead instance.
async fn reap_turn(cluster: &Cluster, instance: &str, turn: &str) -> Result<(), String> {
    let keys = cluster.keys();
    let away = |_: Unreachable| "Redis is unreachable".to_string();
    let record = cluster
        .lookup(&turn.into())
        .await
        .map_err(away)?
        .unwrap_or(TurnRecord {
            user: crate::store::UserId(0),
            answer: None,
            owner: instance.to_string(),
        });
    let entries: RawEntries = cluster
        .run(
            "taking over a replica",
            redis::cmd("XRANGE")
                .arg(keys.events(turn))
                .arg("-")
                .arg("+"),
        )
        .await
        .map_err(away)?;
    let mut log = TurnLog::new();
    for (_, fields) in &entries {
        for (seq, event) in entry::decode(fields).unwrap_or_default() {
            log.append(seq, event);
        }
    }
    let mut pipeline = redis::pipe();
    pipeline.atomic();
    if !log.ended() {
        let events = log.events_after(0);
        let text: String = events
            .iter()
            .filter_map(|(_, event)| match event {
                ChatEvent::Delta { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let pieces = events
            .iter()
            .filter(|(_, event)| matches!(event, ChatEvent::Delta { .. }))
            .count() as u64;
        let prefix_bytes = events.iter().find_map(|(_, event)| match event {
            ChatEvent::Started {
                stored: Some(stored),
                ..
            } => Some(stored.prefix_bytes),
            _ => None,
        });
        if let (Some(answer), Some(prefix_bytes)) = (&record.answer, prefix_bytes) {
            store_interrupted(cluster, &record, answer, prefix_bytes, text, pieces).await?;
        }
        let terminal = ChatEvent::Done(DoneStats {
            finish_reason: FinishReason::Interrupted,
            ttft_ms: None,
            tokens_per_second: None,
            output_tokens: pieces,
        });
        entry::add_append(
            &mut pipeline,
            keys.events(turn),
            &[(log.last_seq() + 1, terminal)],
        );
    }
    add_removal(&mut pipeline, cluster, turn, &record, STREAM_LINGER_SECS);
    cluster
        .run_pipeline::<()>("taking over a replica", &pipeline)
        .await
        .map_err(away)?;
    tracing::info!(%turn, %instance, "stored a dead replica's answer as interrupted");
    Ok(())
}

/// Stores answer `answer` of `record` as `interrupted` with the text it had before the turn
/// (`prefix_bytes` of it) and `text`.
async fn store_interrupted(
    cluster: &Cluster,
    record: &TurnRecord,
    answer: &crate::ids::MessageId,
    prefix_bytes: usize,
    text: String,
    pieces: u64,
) -> Result<(), String> {
    let store = &cluster.inner.store;
    let stored = match store.message(record.user, answer).await {
        Ok(message) => message,
        Err(error) if error.is_not_found() => return Ok(()),
        Err(error) => return Err(error.to_string()),
    };
    let prefix = stored.content.get(..prefix_bytes).unwrap_or_default();
    let writer = AnswerWriter::taken_over(
        store.clone(),
        record.user,
        answer.clone(),
        format!("{prefix}{text}"),
    );
    let stats = AnswerStats {
        output_tokens: Some(i64::try_from(pieces).unwrap_or(i64::MAX)),
        finish_reason: Some(FinishReason::Interrupted.as_stored().to_string()),
        ..AnswerStats::default()
    };
    match writer.finish(AnswerEnd::Interrupted, &stats).await {
        Ok(_) => Ok(()),
        // Not streaming any more (its owner finished it after all) or deleted: nothing to do.
        Err(error) if error.is_not_found() => Ok(()),
        Err(error) => Err(error.to_string()),
    }
}
