//! Ollama `/api/chat` conformance: every `ollama-chat__*` fixture (top level and `nonraw/`) fed
//! to [`OllamaChatParser`] whole, byte by byte and at 100 random split sets (also with CRLF line
//! ends and without the final newline), compared with its sidecar; plus the malformed inputs
//! (truncation, bad JSON, invalid UTF-8, unknown lines, a 10 MB line, in-stream errors).
//! HTTP request shape and the adapter over a local socket are in `conformance_ollama/http.rs`.

#[cfg(feature = "http")]
mod http;

use crate::conformance_support::{expected_text, fixtures, outcome_under_every_split, Outcome};
use serde_json::Value;
use sluice_providers::ollama::stream::{
    OllamaChatParser, ENDED_EARLY_MESSAGE, MALFORMED_LINE_MESSAGE, MAX_LINE_BYTES,
    OVERSIZED_LINE_MESSAGE,
};
use sluice_providers::{ProviderErrorKind, ProviderEvent, StreamParser};
use sluice_wire::events::{FinishReason, Usage};

/// A fresh parser behind the trait, as the harness wants it.
fn make() -> Box<dyn StreamParser> {
    Box::new(OllamaChatParser::new())
}

/// `body` under every split strategy (20 random split sets: these bodies are small).
fn run_all(body: &str) -> Outcome {
    outcome_under_every_split("inline body", &make, body.as_bytes(), 20)
}

/// A non-final line carrying `content`.
fn text_line(content: &str) -> String {
    let line = serde_json::json!({"model": "m", "message": {"role": "assistant", "content": content}, "done": false});
    format!("{line}\n")
}

/// The done line Ollama sends, with `done_reason` before `done` like real servers.
const DONE_LINE: &str = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":3,\"eval_count\":2}\n";

/// The tool calls the sidecar lists, as (id, name, arguments).
fn expected_tool_calls(sidecar: &Value) -> Vec<(Option<String>, String, Value)> {
    let calls = sidecar["expected_tool_calls"].as_array().cloned();
    calls
        .unwrap_or_default()
        .iter()
        .map(|call| {
            let id = call["id"].as_str().map(str::to_string);
            let name = call["function"]["name"].as_str().unwrap().to_string();
            (id, name, call["function"]["arguments"].clone())
        })
        .collect()
}

/// The finish reason the sidecar's `expected_finish` means under the documented mapping.
fn expected_finish(sidecar: &Value) -> Vec<FinishReason> {
    let has_tools = !expected_tool_calls(sidecar).is_empty();
    match sidecar["expected_finish"].as_str() {
        None => Vec::new(),
        Some("stop") if has_tools => vec![FinishReason::ToolCalls],
        Some("stop") => vec![FinishReason::Stop],
        Some("length") => vec![FinishReason::Length],
        Some(other) => vec![FinishReason::Other(other.to_string())],
    }
}

/// Checks one outcome against everything the sidecar states.
fn assert_matches_sidecar(stem: &str, outcome: &Outcome, sidecar: &Value) {
    assert_eq!(outcome.text, expected_text(sidecar), "{stem}: text");
    let thinking = sidecar["expected_thinking"].as_str().unwrap_or_default();
    assert_eq!(outcome.reasoning, thinking, "{stem}: thinking");
    assert_eq!(outcome.refusal, "", "{stem}: refusal");
    assert_eq!(outcome.finishes, expected_finish(sidecar), "{stem}: finish");
    let usage = &sidecar["expected_usage"];
    let expected_usage = usage.is_object().then(|| Usage {
        input_tokens: usage["prompt_eval_count"].as_u64().unwrap(),
        output_tokens: usage["eval_count"].as_u64().unwrap(),
        reasoning_tokens: None,
    });
    assert_eq!(outcome.usage, expected_usage, "{stem}: usage");
    let calls = expected_tool_calls(sidecar);
    assert_eq!(outcome.tool_calls.len(), calls.len(), "{stem}: tool calls");
    for (call, (id, name, arguments)) in outcome.tool_calls.iter().zip(&calls) {
        assert_eq!(&call.id, id, "{stem}: tool call id");
        assert_eq!(&call.name, name, "{stem}: tool call name");
        let parsed: Value = serde_json::from_str(&call.arguments).unwrap();
        assert_eq!(&parsed, arguments, "{stem}: tool call arguments");
        assert!(call.ended, "{stem}: tool call {name} not ended");
    }
    match sidecar.get("expected_error").filter(|e| !e.is_null()) {
        None => assert!(outcome.errors.is_empty(), "{stem}: {:?}", outcome.errors),
        Some(error) => {
            let message = error.as_str().or(error["error"].as_str()).unwrap();
            let messages: Vec<&str> = outcome.errors.iter().map(|e| e.message.as_str()).collect();
            assert_eq!(messages, vec![message.trim()], "{stem}: error");
        }
    }
    let has_done_line = sidecar["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|feature| feature.as_str() == Some("done_true_final_line_with_metrics"));
    assert_eq!(outcome.done, has_done_line, "{stem}: done line");
}

#[test]
fn every_ollama_fixture_matches_its_sidecar_under_every_split() {
    let Some(fixtures) = fixtures("ollama-chat__") else {
        return;
    };
    for fixture in &fixtures {
        let stem = &fixture.stem;
        let outcome = outcome_under_every_split(stem, &make, &fixture.body, 100);
        assert_matches_sidecar(stem, &outcome, &fixture.sidecar);
        let body = String::from_utf8(fixture.body.clone()).unwrap();
        assert_eq!(
            body.ends_with('\n'),
            fixture.sidecar["ends_with_newline"].as_bool().unwrap(),
            "{stem}: ends_with_newline"
        );
        let crlf = body.replace('\n', "\r\n");
        let crlf_outcome = outcome_under_every_split(stem, &make, crlf.as_bytes(), 20);
        assert_eq!(crlf_outcome, outcome, "{stem}: CRLF line ends");
        let unterminated = body.trim_end_matches('\n').as_bytes();
        let last_line_outcome = outcome_under_every_split(stem, &make, unterminated, 20);
        assert_eq!(last_line_outcome, outcome, "{stem}: no final newline");
    }
}

#[test]
fn key_order_of_the_done_line_does_not_matter() {
    let done_first = "{\"done\":true,\"done_reason\":\"length\",\"eval_count\":7,\"message\":{\"content\":\"!\"}}\n";
    let outcome = run_all(&(text_line("Hi") + done_first));
    assert_eq!(outcome.text, "Hi!");
    assert_eq!(outcome.finishes, vec![FinishReason::Length]);
    assert_eq!(outcome.usage.unwrap().output_tokens, 7);
    assert!(outcome.done && outcome.errors.is_empty());
}

#[test]
fn done_reasons_map_to_finish_reasons() {
    for (reason, expected) in [
        ("\"stop\"", FinishReason::Stop),
        ("\"length\"", FinishReason::Length),
        ("\"load\"", FinishReason::Other("load".into())),
        ("\"unload\"", FinishReason::Other("unload".into())),
        ("null", FinishReason::Stop),
    ] {
        let line = format!(
            "{{\"message\":{{\"content\":\"\"}},\"done\":true,\"done_reason\":{reason}}}\n"
        );
        let outcome = run_all(&line);
        assert_eq!(outcome.finishes, vec![expected], "done_reason {reason}");
        assert_eq!(outcome.usage, None, "no counts, no usage");
    }
}

#[test]
fn parallel_tool_calls_with_ids_get_positions_and_ids() {
    let calls = r#"{"message":{"content":"","tool_calls":[{"id":"call_a","function":{"index":0,"name":"f","arguments":{"x":[1,"é"]}}},{"id":"call_b","function":{"index":1,"name":"g","arguments":{}}}]},"done":false}"#;
    let outcome = run_all(&format!("{calls}\n{DONE_LINE}"));
    let summary: Vec<(Option<&str>, &str, &str, bool)> = outcome
        .tool_calls
        .iter()
        .map(|c| {
            (
                c.id.as_deref(),
                c.name.as_str(),
                c.arguments.as_str(),
                c.ended,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (Some("call_a"), "f", r#"{"x":[1,"é"]}"#, true),
            (Some("call_b"), "g", "{}", true)
        ]
    );
    assert_eq!(outcome.finishes, vec![FinishReason::ToolCalls]);
}

#[test]
fn error_line_under_http_200_keeps_partial_text_and_cleans_the_message() {
    let error = "{\"error\":\"model runner has\\nunexpectedly stopped\"}\n";
    let outcome = run_all(&(text_line("Partial") + error + &text_line("ignored") + DONE_LINE));
    assert_eq!(outcome.text, "Partial");
    assert_eq!(outcome.errors.len(), 1);
    assert_eq!(outcome.errors[0].kind, ProviderErrorKind::Upstream);
    assert_eq!(
        outcome.errors[0].message,
        "model runner has unexpectedly stopped"
    );
    assert!(outcome.finishes.is_empty() && !outcome.done);

    let nested = run_all("{\"error\":{\"message\":\"out of memory\"}}");
    assert_eq!(nested.errors[0].message, "out of memory");
    let empty = run_all("{\"error\":\"  \"}\n");
    assert_eq!(
        empty.errors[0].message,
        ProviderErrorKind::Upstream.default_message()
    );
}

#[test]
fn body_ending_before_the_done_line_is_an_error() {
    let cut = "{\"message\":{\"content\":\"lo";
    for (body, partial) in [
        (String::new(), ""),
        (text_line("Hello"), "Hello"),
        (text_line("Hel") + cut, "Hel"),
    ] {
        let outcome = run_all(&body);
        assert_eq!(outcome.text, partial, "partial text kept");
        let messages: Vec<&str> = outcome.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, vec![ENDED_EARLY_MESSAGE], "body {body:?}");
        assert_eq!(outcome.errors[0].kind, ProviderErrorKind::Protocol);
        assert!(outcome.finishes.is_empty() && !outcome.done);
    }
}

#[test]
fn malformed_line_stops_the_stream_and_keeps_partial_text() {
    for bad in [
        "{\"message\":{\"content\":\"x\"}",
        "[1,2]",
        "not json",
        "\"text\"",
    ] {
        let body = text_line("Kept") + bad + "\n" + &text_line("dropped") + DONE_LINE;
        let outcome = run_all(&body);
        assert_eq!(outcome.text, "Kept");
        let messages: Vec<&str> = outcome.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, vec![MALFORMED_LINE_MESSAGE], "line {bad:?}");
        assert!(outcome.finishes.is_empty() && !outcome.done);
    }
}

#[test]
fn blank_lines_unknown_objects_and_bytes_after_done_are_ignored() {
    let body = String::from("\n\r\n   \n{\"status\":\"loading model\"}\n")
        + &text_line("a")
        + "\n"
        + &text_line("b")
        + DONE_LINE
        + "garbage after the end\n";
    let outcome = run_all(&body);
    assert_eq!(outcome.text, "ab");
    assert_eq!(outcome.finishes, vec![FinishReason::Stop]);
    assert!(outcome.done && outcome.errors.is_empty());
    let usage = Usage {
        input_tokens: 3,
        output_tokens: 2,
        reasoning_tokens: None,
    };
    assert_eq!(outcome.usage, Some(usage));
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let mut body =
        b"{\"message\":{\"content\":\"caf\xC3\xA9 \xFF\xFE ok\"},\"done\":false}\n".to_vec();
    body.extend_from_slice(DONE_LINE.as_bytes());
    let outcome = outcome_under_every_split("invalid utf-8", &make, &body, 50);
    assert_eq!(outcome.text, "café \u{FFFD}\u{FFFD} ok");
    assert!(outcome.errors.is_empty() && outcome.done);
}

#[test]
fn ten_megabyte_line_errors_with_bounded_memory() {
    let prefix = text_line("Before");
    let mut huge = b"{\"message\":{\"content\":\"".to_vec();
    huge.resize(10 * 1024 * 1024, b'a');
    huge.extend_from_slice(b"\"},\"done\":false}\n");
    let mut parser = OllamaChatParser::new();
    let mut events = parser.push_bytes(prefix.as_bytes());
    for piece in huge.chunks(64 * 1024) {
        events.extend(parser.push_bytes(piece));
        assert!(parser.buffered_len() <= MAX_LINE_BYTES);
    }
    events.extend(parser.push_bytes(DONE_LINE.as_bytes()));
    events.extend(parser.finish());
    let expected_error =
        sluice_providers::ProviderError::new(ProviderErrorKind::Protocol, OVERSIZED_LINE_MESSAGE);
    assert_eq!(
        events,
        vec![
            ProviderEvent::Text("Before".into()),
            ProviderEvent::Error(expected_error)
        ]
    );
    assert_eq!(parser.buffered_len(), 0, "the oversized line is dropped");

    let mut whole = prefix.into_bytes();
    whole.extend_from_slice(&huge);
    let mut parser = OllamaChatParser::new();
    let mut at_once = parser.push_bytes(&whole);
    at_once.extend(parser.finish());
    assert_eq!(at_once, events, "one push gives the same events");
}

#[test]
fn line_of_exactly_the_limit_is_accepted() {
    let head = b"{\"message\":{\"content\":\"";
    let tail = b"\"},\"done\":false}";
    let mut line = head.to_vec();
    line.resize(MAX_LINE_BYTES - tail.len(), b'x');
    line.extend_from_slice(tail);
    assert_eq!(line.len(), MAX_LINE_BYTES);
    line.push(b'\n');
    line.extend_from_slice(DONE_LINE.as_bytes());
    let outcome = outcome_under_every_split("limit line", &make, &line, 3);
    assert_eq!(outcome.text.len(), MAX_LINE_BYTES - head.len() - tail.len());
    assert!(outcome.errors.is_empty() && outcome.done);
}
