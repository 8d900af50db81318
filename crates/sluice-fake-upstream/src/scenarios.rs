//! Built-in scenarios of the fake upstream, chosen by the request's `model`: scripted answers in
//! valid OpenAI Chat Completions chunk JSON (role chunk, content deltas, finish chunk, usage
//! chunk, `[DONE]`), failure modes, and byte-exact replays of recorded fixtures.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use super::bench_answer::{bench_tokens, BENCH_TOKENS};
use super::rng::SeededRng;
use super::script::ScriptStep;
use sluice_wire::sse::encode_event;

/// Model names of the built-in scenarios, as listed by `GET /v1/models`.
pub(crate) const BUILTIN_MODELS: &[&str] = &[
    "fake-markdown",
    "fake-slow",
    "fake-steady",
    "fake-steady-long",
    "fake-stall",
    "fake-error",
    "fake-drop",
    "fake-garbage",
    "fake-echo",
    "fake-unauthorized",
    "fake-overloaded",
    "fake-ratelimit",
    "fake-bench",
    "fake-bursty",
    "fake-tour",
];

/// Prefix of models that replay `<fixtures_dir>/<stem>.sse`.
pub(crate) const FIXTURE_PREFIX: &str = "fake-fixture-";

/// Content type of every event stream the fake sends.
pub(crate) const EVENT_STREAM: &str = "text/event-stream; charset=utf-8";

/// The fixed answer of `fake-tour`: the Markdown a chat shows most (heading, list, table, code),
/// ASCII only, so the screenshot references (end2end visual.spec.ts) need no font but the
/// app's own.
const TOUR_ANSWER: &str = concat!(
    "## Planning a weekend on the river\n",
    "\n",
    "Here is a short plan for **two days** on the water:\n",
    "\n",
    "1. Pick up the canoe at *9:00* on Saturday.\n",
    "2. Paddle to the old lock and have lunch there.\n",
    "3. Camp at the meadow; the site takes no bookings.\n",
    "\n",
    "| Day | Distance | Stop |\n",
    "|:----|---------:|:-----|\n",
    "| Saturday | 14 km | Old lock |\n",
    "| Sunday | 11 km | Boathouse |\n",
    "\n",
    "```python\n",
    "def pace(km: float, hours: float) -> float:\n",
    "    return round(km / hours, 1)\n",
    "```\n",
    "\n",
    "> Pack a dry bag: the weir at `km 9` splashes.\n",
);

/// The fixed Markdown answer of `fake-markdown`.
const MARKDOWN_ANSWER: &str = concat!(
    "## Sluice test answer 🚀\n",
    "\n",
    "Here is what this answer covers:\n",
    "\n",
    "- a **bold** point and an *italic* one\n",
    "- `inline code` and a [link](https://example.com)\n",
    "- CJK text: 你好，世界 and こんにちは\n",
    "\n",
    "| Language | Typing | Emoji |\n",
    "| --- | --- | :---: |\n",
    "| Rust | static | 🦀 |\n",
    "| Python | dynamic | 🐍 |\n",
    "\n",
    "```rust\n",
    "fn main() {\n",
    "    let greeting = \"héllo, 世界\";\n",
    "    println!(\"{greeting}\");\n",
    "}\n",
    "```\n",
    "\n",
    "That's all — thanks for reading! 🎉",
);

/// How a reply is sent.
#[derive(Clone, Debug)]
pub(crate) enum ReplyBody {
    /// A whole body, sent with `Content-Length`.
    Fixed(Vec<u8>),
    /// Scripted steps, sent as a chunked body that only a finished script terminates.
    Steps(Vec<ScriptStep>),
}

/// A complete planned response.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    /// HTTP status code.
    pub(crate) status: u16,
    /// `Content-Type` header value.
    pub(crate) content_type: String,
    /// More headers, such as `Retry-After`.
    pub(crate) extra_headers: Vec<(String, String)>,
    /// What to send after the head.
    pub(crate) body: ReplyBody,
}

impl Reply {
    /// A JSON reply with a fixed body.
    pub(crate) fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            content_type: "application/json".to_string(),
            extra_headers: Vec::new(),
            body: ReplyBody::Fixed(value.to_string().into_bytes()),
        }
    }

    /// An OpenAI-style error reply.
    pub(crate) fn openai_error(status: u16, message: &str, kind: &str, code: Option<&str>) -> Self {
        let error =
            json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
        Self::json(status, &error)
    }

    /// A 200 event stream running `steps`.
    fn stream(steps: Vec<ScriptStep>) -> Self {
        Self {
            status: 200,
            content_type: EVENT_STREAM.to_string(),
            extra_headers: Vec::new(),
            body: ReplyBody::Steps(steps),
        }
    }
}

/// What a scenario may use from the request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ChatContext<'a> {
    /// Requested model (also the chunk's `model` and the random salt).
    pub(crate) model: &'a str,
    /// Text of the last user message, for `fake-echo` and the prompt token estimate.
    pub(crate) last_user_message: Option<&'a str>,
    /// Seed for chunk splits.
    pub(crate) seed: u64,
}

/// The built-in scenario for `context.model`, if there is one.
pub(crate) fn builtin(context: ChatContext<'_>) -> Option<Reply> {
    let chunks = ChunkBuilder::new(context);
    let mut rng = SeededRng::new(context.seed, context.model);
    let reply = match context.model {
        "fake-markdown" => {
            let pieces = split_text(MARKDOWN_ANSWER, &mut rng, 2, 12);
            Reply::stream(chunks.answer(
                Duration::from_millis(300),
                &pieces,
                Duration::from_millis(20),
            ))
        }
        "fake-tour" => {
            let pieces = split_text(TOUR_ANSWER, &mut rng, 2, 12);
            Reply::stream(chunks.answer(
                Duration::from_millis(100),
                &pieces,
                Duration::from_millis(5),
            ))
        }
        "fake-slow" => {
            let words: Vec<String> = (1..=2000)
                .map(|n| {
                    if n == 1 {
                        "word1".to_string()
                    } else {
                        format!(" word{n}")
                    }
                })
                .collect();
            Reply::stream(chunks.answer(
                Duration::from_millis(50),
                &words,
                Duration::from_millis(50),
            ))
        }
        "fake-steady" => {
            // A finite answer of a few seconds, for reload and reconnect tests: "w1 … w150".
            let words: Vec<String> = (1..=150)
                .map(|n| {
                    if n == 1 {
                        "w1".to_string()
                    } else {
                        format!(" w{n}")
                    }
                })
                .collect();
            Reply::stream(chunks.answer(
                Duration::from_millis(50),
                &words,
                Duration::from_millis(40),
            ))
        }
        "fake-steady-long" => {
            // The same, about 20 s long, for tests that reload or fail over several times
            // mid-answer (the cluster suite): "w1 … w500".
            let words: Vec<String> = (1..=500)
                .map(|n| {
                    if n == 1 {
                        "w1".to_string()
                    } else {
                        format!(" w{n}")
                    }
                })
                .collect();
            Reply::stream(chunks.answer(
                Duration::from_millis(50),
                &words,
                Duration::from_millis(40),
            ))
        }
        "fake-stall" => {
            let pieces = ["Sorry for the wait.".to_string()];
            Reply::stream(chunks.answer(Duration::from_secs(60), &pieces, Duration::ZERO))
        }
        "fake-error" => {
            let mut steps = chunks.partial(&["The answer ", "starts fine", " and then"]);
            let error = json!({"error": {"message": "The model crashed", "type": "server_error"}});
            steps.push(ScriptStep::Send(sse_data(&error.to_string())));
            Reply::stream(steps)
        }
        "fake-drop" => {
            let mut steps = chunks.partial(&["This answer ", "will be cut", " off right"]);
            steps.push(ScriptStep::CloseAbruptly);
            Reply::stream(steps)
        }
        "fake-garbage" => {
            let mut steps = chunks.partial(&["Fine text ", "and then ", "noise"]);
            steps.push(ScriptStep::Send(
                b"data: {\"choices\": [{\"delta\": \x00\xff}\n\n".to_vec(),
            ));
            steps.push(ScriptStep::Send(
                b"\x1b[31m<html>garbage</html>\n\n".to_vec(),
            ));
            Reply::stream(steps)
        }
        "fake-echo" => {
            let text = context.last_user_message.unwrap_or_default();
            let pieces = split_text(text, &mut rng, 1, 16);
            Reply::stream(chunks.answer(
                Duration::from_millis(20),
                &pieces,
                Duration::from_millis(5),
            ))
        }
        "fake-bench" => {
            // The browser benchmark: 10,000 Markdown tokens at 200 tokens/s.
            let tokens = bench_tokens(BENCH_TOKENS);
            Reply::stream(chunks.answer(
                Duration::from_millis(100),
                &tokens,
                Duration::from_millis(5),
            ))
        }
        "fake-bursty" => {
            // Bursts of 25 tokens every 250 ms, as some providers and proxies deliver them.
            let bursts: Vec<String> = bench_tokens(500).chunks(25).map(|c| c.concat()).collect();
            Reply::stream(chunks.answer(
                Duration::from_millis(100),
                &bursts,
                Duration::from_millis(250),
            ))
        }
        "fake-unauthorized" => Reply::openai_error(
            401,
            "Incorrect API key provided.",
            "invalid_request_error",
            Some("invalid_api_key"),
        ),
        "fake-overloaded" => Reply::openai_error(
            503,
            "The engine is currently overloaded, please try again later.",
            "server_error",
            None,
        ),
        "fake-ratelimit" => {
            let mut reply = Reply::openai_error(
                429,
                "Rate limit reached for requests. Please try again in 20s.",
                "requests",
                Some("rate_limit_exceeded"),
            );
            reply
                .extra_headers
                .push(("Retry-After".to_string(), "20".to_string()));
            reply
        }
        _ => return None,
    };
    Some(reply)
}

/// Replays `<dir>/<stem>.<extension>` byte-exact in seeded random pieces 5 ms apart, or `None`
/// if the stem is unsafe (path separators, `..`) or the file cannot be read.
pub(crate) async fn fixture(dir: &Path, stem: &str, extension: &str, seed: u64) -> Option<Reply> {
    let safe = !stem.is_empty()
        && !stem.contains("..")
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !safe {
        return None;
    }
    let path = dir.join(format!("{stem}.{extension}"));
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .ok()?
        .ok()?;
    let mut rng = SeededRng::new(seed, stem);
    let mut steps = Vec::new();
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        // Mostly mid-sized pieces, with a share of tiny ones that split lines and UTF-8.
        let size = if rng.range(0, 3) == 0 {
            rng.range(1, 8)
        } else {
            rng.range(9, 256)
        };
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        if !steps.is_empty() {
            steps.push(ScriptStep::Wait(Duration::from_millis(5)));
        }
        steps.push(ScriptStep::Send(piece.to_vec()));
        rest = tail;
    }
    let mut reply = Reply::stream(steps);
    if extension == "ndjson" {
        reply.content_type = "application/x-ndjson".to_string();
    }
    Some(reply)
}

/// Model names replaying the fixtures in `dir` whose names start with `prefix` and end with
/// `.<extension>`, sorted.
pub(crate) async fn fixture_models_with(
    dir: &Path,
    prefix: &'static str,
    extension: &'static str,
) -> Vec<String> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let suffix = format!(".{extension}");
        let mut models: Vec<String> = entries
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().to_string_lossy().into_owned();
                let stem = name
                    .strip_suffix(suffix.as_str())
                    .filter(|_| name.starts_with(prefix))?;
                Some(format!("{FIXTURE_PREFIX}{stem}"))
            })
            .collect();
        models.sort();
        models
    })
    .await
    .unwrap_or_default()
}

/// Model names for the Chat Completions fixtures in `dir`, sorted.
pub(crate) async fn fixture_models(dir: &Path) -> Vec<String> {
    let mut models = fixture_models_with(dir, "openai-chat__", "sse").await;
    models.extend(fixture_models_with(dir, "openai-compatible-", "sse").await);
    models.sort();
    models
}

/// Builds the `data:` events of one streamed completion.
struct ChunkBuilder {
    /// Completion id shared by all chunks.
    id: String,
    /// Model echoed in every chunk.
    model: String,
    /// Rough prompt token count for the usage chunk.
    prompt_tokens: usize,
}

impl ChunkBuilder {
    /// A builder for the request in `context`.
    fn new(context: ChatContext<'_>) -> Self {
        let prompt_chars = context
            .last_user_message
            .map_or(0, |text| text.chars().count());
        Self {
            id: format!("chatcmpl-{}", context.model),
            model: context.model.to_string(),
            prompt_tokens: prompt_chars / 4 + 1,
        }
    }

    /// A full answer: wait `first_wait`, role chunk, `pieces` `gap` apart, finish `stop`,
    /// usage chunk, `[DONE]`.
    fn answer(&self, first_wait: Duration, pieces: &[String], gap: Duration) -> Vec<ScriptStep> {
        let mut steps = vec![
            ScriptStep::Wait(first_wait),
            self.send(json!({"role": "assistant", "content": ""}), None),
        ];
        for (position, piece) in pieces.iter().enumerate() {
            if position > 0 && !gap.is_zero() {
                steps.push(ScriptStep::Wait(gap));
            }
            steps.push(self.send(json!({"content": piece}), None));
        }
        steps.push(self.send(json!({}), Some("stop")));
        let mut usage = self.chunk(json!([]));
        usage["usage"] = json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": pieces.len(),
            "total_tokens": self.prompt_tokens + pieces.len(),
        });
        steps.push(ScriptStep::Send(sse_data(&usage.to_string())));
        steps.push(ScriptStep::Send(sse_data("[DONE]")));
        steps
    }

    /// The start of an answer that will not finish: role chunk and `pieces` 30 ms apart.
    fn partial(&self, pieces: &[&str]) -> Vec<ScriptStep> {
        let mut steps = vec![
            ScriptStep::Wait(Duration::from_millis(50)),
            self.send(json!({"role": "assistant", "content": ""}), None),
        ];
        for piece in pieces {
            steps.push(ScriptStep::Wait(Duration::from_millis(30)));
            steps.push(self.send(json!({"content": piece}), None));
        }
        steps.push(ScriptStep::Wait(Duration::from_millis(30)));
        steps
    }

    /// One chunk with choice 0's `delta` and `finish_reason`.
    fn send(&self, delta: Value, finish_reason: Option<&str>) -> ScriptStep {
        let choice = json!({
            "index": 0,
            "delta": delta,
            "logprobs": null,
            "finish_reason": finish_reason,
        });
        ScriptStep::Send(sse_data(&self.chunk(json!([choice])).to_string()))
    }

    /// A `chat.completion.chunk` object with these `choices`.
    fn chunk(&self, choices: Value) -> Value {
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": self.model,
            "choices": choices,
        })
    }
}

/// `data: <payload>` plus the blank line.
fn sse_data(payload: &str) -> Vec<u8> {
    let mut out = String::new();
    encode_event(&mut out, None, "", payload);
    out.into_bytes()
}

/// Splits `text` at char boundaries into pieces of `min..=max` chars (seeded).
fn split_text(text: &str, rng: &mut SeededRng, min: usize, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let size = rng.range(min, max);
        pieces.push(chars.by_ref().take(size).collect());
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::TOUR_ANSWER;

    /// The screenshot references rely on the app's own (Latin) fonts only.
    #[test]
    fn the_tour_answer_is_ascii_only() {
        assert!(
            TOUR_ANSWER.is_ascii(),
            "fake-tour must stay ASCII: {TOUR_ANSWER}"
        );
    }
}
