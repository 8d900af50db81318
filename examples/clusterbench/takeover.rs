//! How fast a dead owner's answers are closed: `n` stored answers are started on replica A
//! (a slow script, so they outlive the measurement), each read on replica B (started on A,
//! dropped after `started`, resumed on B, as a reload landing elsewhere); once every reader on
//! B has text, A is killed with SIGKILL, and each reader's time from the kill to its `done`
//! event is taken — the lease running out, B's watch noticing, B storing the answers as
//! `interrupted` (16 at a time) and appending the terminal event to their streams. Then
//! every answer is read back through B: it must be stored `interrupted` with exactly the text
//! its reader received.

use crate::bench_support::percentile;
use crate::replicas::Replica;
use futures::StreamExt;
use sluice::codec::{ItemDecoder, StreamItem};
use sluice::conversation::{ConversationTree, MessageStatus};
use sluice::events::{ChatEvent, FinishReason};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Semaphore};

/// Answers being started (start + resume requests) at once: the start is not what is measured.
const STARTING_AT_ONCE: usize = 50;

/// The model of the slow script (`OPENAI_MODELS` must list it).
pub const MODEL: &str = "slow";

/// What the takeover measured.
pub struct Takeover {
    /// Answers on A read on B.
    pub answers: usize,
    /// Readers whose stream ended with `done: interrupted`.
    pub interrupted: usize,
    /// Readers that failed before the kill or ended otherwise (with the first reason).
    pub failed: (usize, Option<String>),
    /// Kill → `done` of each interrupted reader, seconds, sorted.
    pub closed_after: Vec<f64>,
    /// Answers stored `interrupted` with exactly their reader's text.
    pub stored_exact: usize,
}

impl Takeover {
    /// Smallest, median and largest kill → `done` time, seconds.
    pub fn first_p50_max(&self) -> (f64, f64, f64) {
        (
            self.closed_after.first().copied().unwrap_or(f64::NAN),
            percentile(&self.closed_after, 50.0),
            self.closed_after.last().copied().unwrap_or(f64::NAN),
        )
    }
}

/// One reader on B.
#[derive(Default)]
struct Follow {
    /// The stored answer's conversation.
    conversation: String,
    /// The stored answer.
    answer: String,
    /// The text received.
    text: String,
    /// When the terminal event arrived, and its finish reason (`None`: an `error` event).
    end: Option<(Instant, Option<FinishReason>)>,
    /// Failure, if any.
    error: Option<String>,
}

/// Runs the measurement on `a` (killed) and `b`; `limit` bounds the wait after the kill.
pub async fn measure(
    client: &reqwest::Client,
    a: &mut Replica,
    b: &Replica,
    n: usize,
    limit: Duration,
) -> Result<Takeover, String> {
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
    let starting = Arc::new(Semaphore::new(STARTING_AT_ONCE));
    let (start, resume) = (a.url("/api/chat/stream"), b.url("/api/chat/resume"));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (client, start, resume) = (client.clone(), start.clone(), resume.clone());
            let (ready, starting) = (ready_tx.clone(), starting.clone());
            tokio::spawn(async move { follow(client, start, resume, ready, starting).await })
        })
        .collect();
    drop(ready_tx);
    // Every reader has text (or failed: its sender is dropped without a message).
    let mut ready = 0;
    let wait = tokio::time::timeout(Duration::from_secs(120), async {
        while ready < n && ready_rx.recv().await.is_some() {
            ready += 1;
        }
    })
    .await;
    if wait.is_err() || ready < n {
        eprintln!("takeover: only {ready} of {n} readers on B had text before the kill");
    }
    let killed_at = a.kill();
    let mut follows = Vec::new();
    for task in tasks {
        let left = limit.saturating_sub(killed_at.elapsed());
        match tokio::time::timeout(left, task).await {
            Ok(Ok(follow)) => follows.push(follow),
            Ok(Err(_)) => follows.push(Follow {
                error: Some("the reader panicked".into()),
                ..Follow::default()
            }),
            Err(_) => follows.push(Follow {
                error: Some(format!("no `done` within {limit:?} of the kill")),
                ..Follow::default()
            }),
        }
    }
    let mut closed_after: Vec<f64> = Vec::new();
    let mut failed = (0, None);
    for follow in &follows {
        match (&follow.end, &follow.error) {
            (Some((at, Some(FinishReason::Interrupted))), None) => {
                closed_after.push(at.saturating_duration_since(killed_at).as_secs_f64())
            }
            (end, error) => {
                failed.0 += 1;
                if failed.1.is_none() {
                    failed.1 = Some(match (end, error) {
                        (_, Some(error)) => error.clone(),
                        (Some((_, reason)), None) => format!("ended with {reason:?}"),
                        (None, None) => "no end".into(),
                    });
                }
            }
        }
    }
    closed_after.sort_by(f64::total_cmp);
    let stored_exact = count_stored_exact(client, b, &follows).await;
    Ok(Takeover {
        answers: n,
        interrupted: closed_after.len(),
        failed,
        closed_after,
        stored_exact,
    })
}

/// One answer: started on A, read on B; `ready` once B delivered text; then read to the end.
async fn follow(
    client: reqwest::Client,
    start: String,
    resume: String,
    ready: mpsc::UnboundedSender<()>,
    starting: Arc<Semaphore>,
) -> Follow {
    let mut follow = Follow::default();
    let permit = starting.acquire_owned().await;
    let body = serde_json::json!({
        "model": format!("openai/{MODEL}"),
        "action": {"type": "send", "content": "go"},
    });
    let response = match open(&client, &start, &body).await {
        Ok(response) => response,
        Err(e) => return failed(follow, e),
    };
    let (turn_id, seq, conversation, answer) = match started(response).await {
        Ok(ids) => ids,
        Err(e) => return failed(follow, e),
    };
    follow.conversation = conversation;
    follow.answer = answer;
    let body = serde_json::json!({"turn_id": turn_id, "answer_id": follow.answer, "after": seq});
    let response = match open(&client, &resume, &body).await {
        Ok(response) => response,
        Err(e) => return failed(follow, e),
    };
    drop(permit);
    let mut ready = Some(ready);
    let mut body = response.bytes_stream();
    let mut decoder = ItemDecoder::default();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else {
            return failed(follow, "body error".into());
        };
        for item in decoder.push(&chunk) {
            match item {
                Ok(StreamItem::Event {
                    event: ChatEvent::Delta { text },
                    ..
                }) => {
                    follow.text.push_str(&text);
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(());
                    }
                }
                Ok(StreamItem::Event {
                    event: ChatEvent::Done(done),
                    ..
                }) => follow.end = Some((Instant::now(), Some(done.finish_reason))),
                Ok(StreamItem::Event {
                    event: ChatEvent::Error { .. },
                    ..
                }) => follow.end = Some((Instant::now(), None)),
                _ => {}
            }
        }
    }
    if follow.end.is_none() {
        follow.error = Some("the stream ended without done".into());
    }
    follow
}

/// `follow` with its error.
fn failed(mut follow: Follow, error: String) -> Follow {
    follow.error = Some(error);
    follow
}

/// Posts `body`; the response when it is a success.
async fn open(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> Result<reqwest::Response, String> {
    match client.post(url).json(body).send().await {
        Ok(response) if response.status().is_success() => Ok(response),
        Ok(response) => Err(format!("HTTP {}", response.status())),
        Err(e) => Err(e.to_string()),
    }
}

/// Reads a stored answer's stream up to `started`: turn id, its sequence number, the
/// conversation and the answer.
async fn started(response: reqwest::Response) -> Result<(String, u64, String, String), String> {
    let mut body = response.bytes_stream();
    let mut decoder = ItemDecoder::default();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| "body error".to_string())?;
        for item in decoder.push(&chunk) {
            if let Ok(StreamItem::Event {
                seq,
                event:
                    ChatEvent::Started {
                        turn_id,
                        stored: Some(stored),
                        ..
                    },
            }) = item
            {
                return Ok((
                    turn_id.to_string(),
                    seq,
                    stored.conversation_id.to_string(),
                    stored.answer_id.to_string(),
                ));
            }
        }
    }
    Err("the stream ended before `started`".into())
}

/// How many answers B returns as stored `interrupted` with exactly their reader's text.
async fn count_stored_exact(client: &reqwest::Client, b: &Replica, follows: &[Follow]) -> usize {
    let url = b.url("/api/conversations/get");
    let checks = follows
        .iter()
        .filter(|follow| follow.end.is_some() && follow.error.is_none())
        .map(|follow| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let tree: ConversationTree = client
                    .post(&url)
                    .json(&serde_json::json!({"id": follow.conversation}))
                    .send()
                    .await
                    .ok()?
                    .json()
                    .await
                    .ok()?;
                let message = tree.messages.iter().find(|m| m.id == follow.answer)?;
                Some(message.status == MessageStatus::Interrupted && message.content == follow.text)
            }
        });
    futures::stream::iter(checks)
        .buffer_unordered(32)
        .filter(|exact| std::future::ready(*exact == Some(true)))
        .count()
        .await
}
