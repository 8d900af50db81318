//! Chat Completions parser: every recorded OpenAI / OpenAI-compatible fixture in
//! `shared/fixtures/provider-streams` fed whole, byte by byte and in 200 seeded random split
//! sets, checked against its JSON sidecar (text, refusal, reasoning, tool calls, finish,
//! usage); plus hand-written edge cases (malformed chunk, in-stream error, truncation,
//! oversized line, n > 1, usage placement, reasoning fields, tool-call fragments).

use std::path::PathBuf;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use sluice_providers::event::{ProviderError, ProviderErrorKind, ProviderEvent};
use sluice_providers::http_error::http_error;
use sluice_providers::openai::chat::{
    ChatCompletionsParser, ENDED_EARLY_MESSAGE, MALFORMED_CHUNK_MESSAGE, OVERSIZED_CHUNK_MESSAGE,
};
use sluice_wire::events::{FinishReason, Usage};
use sluice_wire::sse::MAX_LINE_BYTES;

/// One tool call as its events assembled it.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct SeenToolCall {
    /// Provider call id from the start event.
    pub(crate) id: Option<String>,
    /// Tool name from the start event.
    pub(crate) name: String,
    /// The joined argument fragments, parsed as JSON when the outcome is compared (a string
    /// holding the raw text when it is not JSON, so a mismatch shows it).
    pub(crate) arguments: Value,
    /// Raw argument text while events are folded.
    raw_arguments: String,
    /// Whether an end event was seen.
    pub(crate) ended: bool,
}

/// What a whole stream amounted to.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) text: String,
    pub(crate) refusal: String,
    pub(crate) reasoning: String,
    pub(crate) tool_calls: Vec<SeenToolCall>,
    pub(crate) finishes: Vec<FinishReason>,
    pub(crate) last_usage: Option<Usage>,
    pub(crate) errors: Vec<ProviderError>,
    pub(crate) done: bool,
}

fn run(pieces: &[&[u8]]) -> Outcome {
    let mut parser = ChatCompletionsParser::new();
    let mut events: Vec<ProviderEvent> = pieces
        .iter()
        .flat_map(|piece| parser.push_bytes(piece))
        .collect();
    events.extend(parser.finish());
    let mut outcome = Outcome {
        done: parser.is_done(),
        ..Outcome::default()
    };
    for event in events {
        match event {
            ProviderEvent::Text(text) => outcome.text.push_str(&text),
            ProviderEvent::Refusal(text) => outcome.refusal.push_str(&text),
            ProviderEvent::Finish(reason) => outcome.finishes.push(reason),
            ProviderEvent::Usage(usage) => outcome.last_usage = Some(usage),
            ProviderEvent::Error(error) => outcome.errors.push(error),
            ProviderEvent::Reasoning(text) => outcome.reasoning.push_str(&text),
            ProviderEvent::ToolCallStart { index, id, name } => {
                assert_eq!(index as usize, outcome.tool_calls.len(), "start order");
                outcome.tool_calls.push(SeenToolCall {
                    id,
                    name,
                    ..SeenToolCall::default()
                });
            }
            ProviderEvent::ToolCallDelta { index, arguments } => {
                let call = &mut outcome.tool_calls[index as usize];
                assert!(!call.ended, "delta after end");
                call.raw_arguments.push_str(&arguments);
            }
            ProviderEvent::ToolCallEnd { index } => {
                let call = &mut outcome.tool_calls[index as usize];
                assert!(!call.ended, "ended twice");
                call.ended = true;
            }
        }
    }
    for call in &mut outcome.tool_calls {
        let raw = std::mem::take(&mut call.raw_arguments);
        call.arguments = serde_json::from_str(&raw).unwrap_or(Value::String(raw));
    }
    outcome
}

pub(crate) fn run_str(body: &str) -> Outcome {
    run(&[body.as_bytes()])
}

/// The chat fixtures, or `None` (with a message) when the shared folder is absent outside CI.
fn chat_fixtures() -> Option<Vec<PathBuf>> {
    let dir = crate::support::shared_fixtures::shared_path(
        "fixtures/provider-streams",
        "OpenAI fixture replay",
    )?;
    let entries = std::fs::read_dir(&dir).expect("read the fixture folder");
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default();
            (name.starts_with("openai-chat__") || name.starts_with("openai-compatible-"))
                && name.ends_with(".sse")
        })
        .collect();
    paths.sort();
    Some(paths)
}

/// The outcome the sidecar describes. Its usage is `None` when the sidecar lists none, and
/// then [`comparable`] ignores the parsed usage too.
fn expected_outcome(sidecar: &Value) -> Outcome {
    let text = |key: &str| sidecar[key].as_str().unwrap_or_default().to_string();
    let usage = sidecar
        .get("expected_usage_merged")
        .or(sidecar.get("expected_usage"))
        .filter(|usage| usage.is_object())
        .map(|usage| Usage {
            input_tokens: usage["prompt_tokens"].as_u64().unwrap(),
            output_tokens: usage["completion_tokens"].as_u64().unwrap(),
            reasoning_tokens: usage["completion_tokens_details"]["reasoning_tokens"].as_u64(),
        });
    let tool_calls = sidecar["expected_tool_calls"]
        .as_array()
        .map(|calls| {
            calls
                .iter()
                .filter(|call| call["choice"].as_u64().unwrap_or(0) == 0)
                .map(|call| SeenToolCall {
                    id: call["id"].as_str().map(str::to_string),
                    name: call["name"].as_str().unwrap().to_string(),
                    arguments: serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap(),
                    raw_arguments: String::new(),
                    ended: true,
                })
                .collect()
        })
        .unwrap_or_default();
    let reasoning = sidecar
        .get("expected_reasoning")
        .or(sidecar.get("expected_thinking"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Outcome {
        text: text("expected_text"),
        refusal: text("expected_refusal"),
        reasoning,
        tool_calls,
        finishes: vec![FinishReason::from_openai(
            sidecar["expected_finish"].as_str().unwrap(),
        )],
        last_usage: usage,
        errors: Vec::new(),
        done: sidecar["has_done_sentinel"].as_bool().unwrap_or(true),
    }
}

/// The parsed outcome, with usage blanked when the sidecar has no usage to compare with.
fn comparable(pieces: &[&[u8]], expected: &Outcome) -> Outcome {
    let mut outcome = run(pieces);
    if expected.last_usage.is_none() {
        outcome.last_usage = None;
    }
    outcome
}

fn random_pieces<'a>(bytes: &'a [u8], rng: &mut StdRng) -> Vec<&'a [u8]> {
    let max = [4, 32, 300][rng.random_range(0..3)];
    let mut pieces = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let size = rng.random_range(1..=max).min(rest.len());
        let (piece, tail) = rest.split_at(size);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

#[test]
fn every_openai_chat_fixture_under_every_split_strategy() {
    let Some(paths) = chat_fixtures() else {
        return;
    };
    assert!(
        !paths.is_empty(),
        "no openai-chat fixtures in the shared folder"
    );
    let mut tool_calls_checked = 0;
    for (number, path) in paths.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        let sidecar: Value =
            serde_json::from_slice(&std::fs::read(path.with_extension("json")).unwrap()).unwrap();
        let expected = expected_outcome(&sidecar);
        assert_eq!(comparable(&[&bytes], &expected), expected, "{name}: whole");
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(
            comparable(&singles, &expected),
            expected,
            "{name}: byte by byte"
        );
        let mut rng = StdRng::seed_from_u64(0x51_0ACE + number as u64);
        for round in 0..200 {
            let pieces = random_pieces(&bytes, &mut rng);
            assert_eq!(
                comparable(&pieces, &expected),
                expected,
                "{name}: random split set {round}"
            );
        }
        tool_calls_checked += expected.tool_calls.len();
        eprintln!("checked {name}");
    }
    assert!(
        tool_calls_checked >= 4,
        "the tool-call fixtures were compared"
    );
    eprintln!("{} OpenAI chat fixtures checked", paths.len());
}

const ROLE: &str = r#"data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

"#;

fn text_chunk(text: &str) -> String {
    let chunk = serde_json::json!({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {chunk}\n\n")
}

const FINISH: &str = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
pub(crate) const DONE: &str = "data: [DONE]\n\n";

pub(crate) fn protocol_error(message: &str) -> ProviderError {
    ProviderError::new(ProviderErrorKind::Protocol, message)
}

#[test]
fn complete_stream_with_role_chunk_empty_content_and_comments() {
    let body = format!(
        ": keep-alive\n\n{ROLE}{}{}data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":null}}}}]}}\n\n{FINISH}{DONE}",
        text_chunk("Hel"),
        text_chunk("lo ✨")
    );
    let outcome = run_str(&body);
    assert_eq!(outcome.text, "Hello ✨");
    assert_eq!(outcome.finishes, [FinishReason::Stop]);
    assert_eq!(outcome.last_usage, None);
    assert!(outcome.errors.is_empty() && outcome.done);
}

#[test]
fn role_only_chunk_yields_no_event() {
    let mut parser = ChatCompletionsParser::new();
    assert!(parser.push_bytes(ROLE.as_bytes()).is_empty());
}

#[test]
fn malformed_chunk_stops_the_stream() {
    let body = format!(
        "{}data: {{\"choices\": [\n\n{}{FINISH}{DONE}",
        text_chunk("before"),
        text_chunk("after")
    );
    let outcome = run_str(&body);
    assert_eq!(outcome.text, "before");
    assert_eq!(outcome.errors, [protocol_error(MALFORMED_CHUNK_MESSAGE)]);
    assert!(outcome.finishes.is_empty() && !outcome.done);
    assert_eq!(
        run_str("data: 42\n\n").errors,
        [protocol_error(MALFORMED_CHUNK_MESSAGE)]
    );
}

#[test]
fn error_payload_in_stream_is_reported_without_raw_json() {
    let body = format!(
        "{ROLE}{}data: {{\"error\":{{\"message\":\"The model crashed\",\"type\":\"server_error\"}}}}\n\n{}",
        text_chunk("partial"),
        text_chunk("ignored")
    );
    let outcome = run_str(&body);
    assert_eq!(outcome.text, "partial");
    assert_eq!(
        outcome.errors,
        [ProviderError::new(
            ProviderErrorKind::Upstream,
            "The model crashed"
        )]
    );
    assert!(outcome.finishes.is_empty());
}

#[test]
fn in_stream_error_kinds_and_messages() {
    let kind_of = |payload: &str| run_str(&format!("data: {payload}\n\n")).errors[0].clone();
    let rate = kind_of(
        r#"{"error":{"message":"Slow down","type":"requests","code":"rate_limit_exceeded"}}"#,
    );
    assert_eq!(
        rate.kind,
        ProviderErrorKind::RateLimited {
            retry_after_secs: None
        }
    );
    let auth = kind_of(
        r#"{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}"#,
    );
    assert_eq!(auth.kind, ProviderErrorKind::Auth);
    let bare = kind_of(r#"{"error":"model is loading"}"#);
    assert_eq!(
        bare,
        ProviderError::new(ProviderErrorKind::Upstream, "model is loading")
    );
    let silent = kind_of(r#"{"error":{"type":"server_error","code":500}}"#);
    assert_eq!(
        silent.message,
        ProviderErrorKind::Upstream.default_message()
    );
    let typed = run_str("event: error\ndata: {\"message\":\"overloaded\"}\n\n").errors;
    assert_eq!(
        typed,
        [ProviderError::new(
            ProviderErrorKind::Upstream,
            "overloaded"
        )]
    );
    let noisy = kind_of(r#"{"error":{"message":"  line\nbreak\u0007  "}}"#);
    assert_eq!(noisy.message, "line break");
    let long = kind_of(&format!(
        r#"{{"error":{{"message":"{}"}}}}"#,
        "é".repeat(2000)
    ));
    // Passed on whole: the HTTP stream caps it only after scrubbing the API key (a cut before
    // the scrub could show the start of a key straddling it).
    assert_eq!(long.message.chars().count(), 2000);
    let fine = concat!(
        r#"data: {"error":null,"#,
        r#""choices":[{"index":0,"delta":{"content":"fine"},"finish_reason":"stop"}]}"#,
        "\n\n",
    );
    let outcome = run_str(fine);
    assert_eq!(outcome.text, "fine");
    assert!(outcome.errors.is_empty(), "`error: null` is no error");
}

#[test]
fn truncated_stream_without_finish_is_an_error() {
    let body = format!("{ROLE}{}", text_chunk("cut"));
    let outcome = run_str(&body);
    assert_eq!(outcome.text, "cut");
    assert_eq!(outcome.errors, [protocol_error(ENDED_EARLY_MESSAGE)]);
    // Cut in the middle of a chunk: still "ended early", not "malformed".
    let body = format!("{ROLE}{}data: {{\"choices\":[{{\"ind", text_chunk("cut"));
    assert_eq!(run_str(&body).errors, [protocol_error(ENDED_EARLY_MESSAGE)]);
    assert_eq!(run_str("").errors, [protocol_error(ENDED_EARLY_MESSAGE)]);
}

#[test]
fn truncated_stream_after_finish_reason_is_complete() {
    let outcome = run_str(&format!("{ROLE}{}{FINISH}", text_chunk("whole")));
    assert_eq!(outcome.text, "whole");
    assert!(outcome.errors.is_empty() && !outcome.done);
    let outcome = run_str(&format!(
        "{}{FINISH}data: {{\"usage\":{{\"prompt_",
        text_chunk("x")
    ));
    assert!(
        outcome.errors.is_empty(),
        "a cut usage chunk after the finish is ignored"
    );
}

#[test]
fn done_without_final_blank_line_is_accepted() {
    let outcome = run_str(&format!("{}{FINISH}data: [DONE]", text_chunk("a")));
    assert!(outcome.done && outcome.errors.is_empty());
}

#[test]
fn bytes_after_done_are_ignored() {
    let outcome = run_str(&format!(
        "{}{FINISH}{DONE}data: not json\n\n{}",
        text_chunk("a"),
        text_chunk("b")
    ));
    assert_eq!(outcome.text, "a");
    assert!(outcome.errors.is_empty() && outcome.done);
}

/// Events the parser emits for `body` pushed in pieces of `piece` bytes (0: whole), finish
/// included.
fn events_in_pieces(body: &[u8], piece: usize) -> Vec<ProviderEvent> {
    let mut parser = ChatCompletionsParser::new();
    let mut events = Vec::new();
    for chunk in body.chunks(if piece == 0 { body.len() } else { piece }) {
        events.extend(parser.push_bytes(chunk));
    }
    events.extend(parser.finish());
    events
}

#[test]
fn an_oversized_line_stops_the_stream_at_the_same_point_for_any_split() {
    // Events after the oversized line in the same network chunk are not emitted either: the
    // error stops the stream where the line is, as when the chunks are split there.
    let huge = format!("data: {}\n\n", "x".repeat(MAX_LINE_BYTES + 10));
    let body = format!("{}{huge}{}", text_chunk("a"), text_chunk("late"));
    let expected = [
        ProviderEvent::Text("a".into()),
        ProviderEvent::Error(protocol_error(OVERSIZED_CHUNK_MESSAGE)),
    ];
    for piece in [0, 1 << 16, 4096, 7] {
        assert_eq!(
            events_in_pieces(body.as_bytes(), piece),
            expected,
            "pieces of {piece}"
        );
    }
}

#[test]
fn oversized_line_is_a_protocol_error_as_soon_as_it_overflows() {
    let mut parser = ChatCompletionsParser::new();
    assert_eq!(
        parser.push_bytes(text_chunk("ok").as_bytes()),
        [ProviderEvent::Text("ok".into())]
    );
    parser.push_bytes(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    let filler = vec![b'x'; MAX_LINE_BYTES / 4];
    let mut events = Vec::new();
    for _ in 0..5 {
        events.extend(parser.push_bytes(&filler));
    }
    assert_eq!(
        events,
        [ProviderEvent::Error(protocol_error(
            OVERSIZED_CHUNK_MESSAGE
        ))]
    );
    assert!(parser
        .push_bytes(format!("\"}}}}]}}\n\n{}", text_chunk("late")).as_bytes())
        .is_empty());
    assert!(parser.finish().is_empty());
}

#[test]
fn only_choice_zero_counts_and_its_position_does_not_matter() {
    let body = concat!(
        "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"},\"finish_reason\":null},",
        "{\"index\":0,\"delta\":{\"content\":\"A\"},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"index\":2,\"delta\":{\"content\":\"C\"},\"finish_reason\":\"length\"}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"function_call\"}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
        "data: [DONE]\n\n",
    );
    let outcome = run_str(body);
    assert_eq!(outcome.text, "A");
    assert_eq!(
        outcome.finishes,
        [FinishReason::ToolCalls],
        "first finish of choice 0, once"
    );
}

#[test]
fn usage_on_the_finish_chunk_and_on_an_empty_choices_chunk() {
    let deepseek = concat!(
        r#"data: {"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"#,
        r#""usage":{"prompt_tokens":13,"completion_tokens":79}}"#,
        "\n\ndata: [DONE]\n\n",
    );
    let outcome = run_str(deepseek);
    assert_eq!(outcome.finishes, [FinishReason::Stop]);
    assert_eq!(
        outcome.last_usage,
        Some(Usage {
            input_tokens: 13,
            output_tokens: 79,
            reasoning_tokens: None
        })
    );
    let openai = concat!(
        r#"data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"#,
        r#""completion_tokens_details":{"reasoning_tokens":3}}}"#,
        "\n\n",
    );
    assert_eq!(
        run_str(openai).last_usage,
        Some(Usage {
            input_tokens: 5,
            output_tokens: 7,
            reasoning_tokens: Some(3)
        })
    );
}

#[test]
fn refusal_deltas_are_separate_from_text() {
    let body = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\" help.\"},\"finish_reason\":\"stop\"}]}\n\n",
    );
    let outcome = run_str(body);
    assert_eq!(outcome.text, "");
    assert_eq!(outcome.refusal, "I can't help.");
}

#[test]
fn http_error_bodies_map_to_kinds_with_safe_messages() {
    let key = "sk-live-0123456789";
    let body = br#"{"error":{"message":"Incorrect API key provided: sk-live-0123456789","type":"invalid_request_error","code":"invalid_api_key"}}"#;
    let auth = http_error("openai", 401, body, None, Some(key));
    assert_eq!(
        auth,
        ProviderError::new(
            ProviderErrorKind::Auth,
            "Invalid API key for openai (HTTP 401)."
        )
        .with_status(401)
    );
    let limited = http_error("groq", 429, b"{}", Some(20), None);
    assert_eq!(
        limited.kind,
        ProviderErrorKind::RateLimited {
            retry_after_secs: Some(20)
        }
    );
    assert_eq!(limited.message, "Rate limited by groq, retry after 20 s.");
    let html = http_error(
        "openai",
        502,
        b"<html><body>Bad gateway</body></html>",
        None,
        None,
    );
    assert_eq!(html.kind, ProviderErrorKind::Upstream);
    assert!(!html.message.contains('<'), "{}", html.message);
    assert_eq!(
        http_error("openai", 404, b"", None, None).kind,
        ProviderErrorKind::NotFound
    );
    let bad =
        br#"{"error":{"message":"max_tokens is too large for key sk-live-0123456789\n{raw}"}}"#;
    let bad = http_error("openai", 400, bad, None, Some(key));
    assert_eq!(bad.kind, ProviderErrorKind::BadRequest);
    assert!(bad
        .message
        .starts_with("openai rejected the request (HTTP 400): max_tokens is too large"));
    assert!(!bad.message.contains(key), "{}", bad.message);
    assert_eq!(
        http_error("openai", 504, b"", None, None).kind,
        ProviderErrorKind::Timeout
    );
}
