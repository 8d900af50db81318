//! One live answer as `clusterbench` reads it, and a phase of many at once.
//!
//! The load generator is `loadgen`'s: the fake upstream's token script (`t0 t1 …`, one token
//! every interval after the first), the same streams started together behind a barrier, first
//! straight against the fake (*direct*) and then through the app. An answer through the app is
//! a temporary chat started with `POST /api/chat/stream` on one replica; read there (a reader on
//! the owner) or — a reload landing on another replica — read up to its `started` event, then
//! dropped and resumed with `POST /api/chat/resume {"turn_id","after"}` on another replica.
//!
//! Lateness is per token, as in `loadgen`: how much later than the script's spacing a token
//! arrives after the stream's first token. Tokens are found by their text, so a frame that
//! carries several tokens (a batch a reader receives together) counts each at that frame's
//! arrival. A reader whose first frame holds several tokens (it joined after the first token, or
//! fell behind before reading it: a reader behind gets the waiting tokens merged into one frame)
//! is counted as *merged first frame*; its first frame's last token is its anchor and the
//! earlier ones get no lateness.

use futures::StreamExt;
use sluice::codec::{ItemDecoder, StreamItem};
use sluice::events::ChatEvent;
use sluice::providers::openai::chat::ChatCompletionsParser;
use sluice::providers::ProviderEvent;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

/// Where one answer goes.
#[derive(Clone, Debug)]
pub enum Route {
    /// Straight to the fake upstream's chat completions URL.
    Direct(String),
    /// Started with the stream URL; when a resume URL is given, read there instead.
    App {
        /// `POST /api/chat/stream` on the replica the answer is started on.
        start: String,
        /// `POST /api/chat/resume` on the replica that reads it (`None`: read on the owner).
        resume: Option<String>,
    },
}

/// What one answer measured.
#[derive(Default)]
pub struct Answer {
    /// Lateness of each token after the anchor, ms.
    pub lateness_ms: Vec<f64>,
    /// Tokens received.
    pub tokens: usize,
    /// The text received.
    pub text: String,
    /// The reader's first frame held several tokens (it joined after the first, or fell behind).
    pub merged_first: bool,
    /// Time from the start request to the end of the stream, seconds.
    pub live_seconds: f64,
    /// Failure, if any (`HTTP 5xx …` for a server error).
    pub error: Option<String>,
}

/// Per-token timing of one reader.
struct Clock {
    /// When the start request was sent.
    start: Instant,
    /// The script's spacing, ms.
    interval_ms: f64,
    /// The anchor: the first frame's arrival (ms after `start`) and its last token's index.
    anchor: Option<(f64, usize)>,
}

impl Clock {
    /// Accounts for the text of one frame that arrived now.
    fn frame(&mut self, text: &str, answer: &mut Answer) {
        let arrived = self.start.elapsed().as_secs_f64() * 1000.0;
        let indexes: Vec<usize> = text
            .split_whitespace()
            .filter_map(|token| token.strip_prefix('t').and_then(|k| k.parse().ok()))
            .collect();
        answer.text.push_str(text);
        answer.tokens += indexes.len();
        let Some(&last) = indexes.last() else {
            return;
        };
        match self.anchor {
            None => {
                self.anchor = Some((arrived, last));
                answer.merged_first = indexes.len() > 1;
            }
            Some((first, k0)) => {
                for k in indexes {
                    let due = first + k.saturating_sub(k0) as f64 * self.interval_ms;
                    answer.lateness_ms.push(arrived - due);
                }
            }
        }
    }
}

/// The request body of a temporary chat through the app.
fn app_body() -> serde_json::Value {
    serde_json::json!({"model":"openai/bench","messages":[{"role":"user","content":"go"}]})
}

/// Reads one answer along `route`.
pub async fn one_answer(client: reqwest::Client, route: Route, interval: Duration) -> Answer {
    let mut answer = Answer::default();
    let mut clock = Clock {
        start: Instant::now(),
        interval_ms: interval.as_secs_f64() * 1000.0,
        anchor: None,
    };
    let outcome = match route {
        Route::Direct(url) => read_direct(&client, &url, &mut clock, &mut answer).await,
        Route::App { start, resume } => {
            read_app(&client, &start, resume.as_deref(), &mut clock, &mut answer).await
        }
    };
    answer.error = outcome.err();
    answer.live_seconds = clock.start.elapsed().as_secs_f64();
    answer
}

/// Sends `body` to `url`; the response when it is a success.
async fn post(
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

/// The fake upstream's OpenAI stream, token by token.
async fn read_direct(
    client: &reqwest::Client,
    url: &str,
    clock: &mut Clock,
    answer: &mut Answer,
) -> Result<(), String> {
    let body = serde_json::json!({"model":"bench","stream":true,"messages":[{"role":"user","content":"go"}]});
    let mut body = post(client, url, &body).await?.bytes_stream();
    let mut parser = ChatCompletionsParser::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| "body error".to_string())?;
        for event in parser.push_bytes(&chunk) {
            if let ProviderEvent::Text(text) = event {
                clock.frame(&text, answer);
            }
        }
    }
    Ok(())
}

/// An answer through the app: started on one replica, read there or on another.
async fn read_app(
    client: &reqwest::Client,
    start: &str,
    resume: Option<&str>,
    clock: &mut Clock,
    answer: &mut Answer,
) -> Result<(), String> {
    let response = post(client, start, &app_body()).await?;
    let response = match resume {
        None => response,
        Some(resume) => {
            let (turn_id, after) = read_started(response).await?;
            let body = serde_json::json!({"turn_id": turn_id, "after": after});
            post(client, resume, &body).await?
        }
    };
    let mut body = response.bytes_stream();
    let mut decoder = ItemDecoder::default();
    let mut ended = false;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| "body error".to_string())?;
        for item in decoder.push(&chunk) {
            match item {
                Ok(StreamItem::Event {
                    event: ChatEvent::Delta { text },
                    ..
                }) => clock.frame(&text, answer),
                Ok(StreamItem::Event { event, .. }) if event.is_terminal() => ended = true,
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
    }
    if ended {
        Ok(())
    } else {
        Err("the stream ended without done".to_string())
    }
}

/// Reads a stream up to its `started` event (then drops the connection, as a reload does):
/// the turn id and the event's sequence number.
async fn read_started(response: reqwest::Response) -> Result<(String, u64), String> {
    let mut body = response.bytes_stream();
    let mut decoder = ItemDecoder::default();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| "body error".to_string())?;
        for item in decoder.push(&chunk) {
            if let Ok(StreamItem::Event {
                seq,
                event: ChatEvent::Started { turn_id, .. },
            }) = item
            {
                return Ok((turn_id.to_string(), seq));
            }
        }
    }
    Err("the stream ended before `started`".to_string())
}

/// `routes.len()` answers started together (a barrier, as `loadgen`); their results in order.
pub async fn run_together(
    client: &reqwest::Client,
    routes: Vec<Route>,
    interval: Duration,
) -> Vec<Answer> {
    let barrier = Arc::new(Barrier::new(routes.len()));
    let tasks: Vec<_> = routes
        .into_iter()
        .map(|route| {
            let (client, barrier) = (client.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                one_answer(client, route, interval).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap_or_else(|_| Answer {
            error: Some("the reader panicked".into()),
            ..Answer::default()
        }));
    }
    answers
}
